// Starts nhsuk-frontend's components (progressive enhancement; every page works without it).
import { initAll } from '/assets/nhsuk-frontend.min.js';

initAll();
