// Server-rendered SVG charts for Tend.
export * from './colours.ts';
export * from './spc-chart.ts';
export * from './spc-icons.ts';
export * from './spc-table.ts';
export { escapeMarkup } from './svg.ts';
