import { nearnessLabels } from './help.ts';
import type { PackSignal, ReviewPack } from './pack.ts';

/**
 * A review pack as HTML (`packBodyHtml`): one fragment the pack page, its PDF and `tend reviews pack
 * --format html` all show, so the three hold the same words and figures. Framed by improvement: what
 * is improving and the help on offer come first, then the last review's actions, what happened
 * since, and the Oversight Framework position last, as context. Every value is escaped.
 */

const escapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text made safe for HTML content and attribute values (`escapeHtml`). */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (character) => escapes[character] ?? character);
}

const e = escapeHtml;

/** The pack's title: "Review pack: <name> (<code>), <quarter>". */
export function packTitle(pack: ReviewPack): string {
  return `Review pack: ${pack.org.name} (${pack.org.code}), ${pack.quarter}`;
}

const longDate = (iso: string | null) => {
  if (!iso) return '';
  const date = new Date(`${iso.slice(0, 10)}T00:00:00Z`);
  return Number.isNaN(date.getTime())
    ? iso
    : date.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
};

function table(
  caption: string,
  headings: readonly string[],
  rows: readonly (readonly string[])[],
  id: string,
) {
  return `<table class="nhsuk-table" id="${e(id)}">
<caption class="nhsuk-table__caption">${e(caption)}</caption>
<thead class="nhsuk-table__head"><tr class="nhsuk-table__row">${headings
    .map((heading) => `<th scope="col" class="nhsuk-table__header">${e(heading)}</th>`)
    .join('')}</tr></thead>
<tbody class="nhsuk-table__body">${rows
    .map(
      (cells) =>
        `<tr class="nhsuk-table__row">${cells.map((cell) => `<td class="nhsuk-table__cell">${cell}</td>`).join('')}</tr>`,
    )
    .join('\n')}</tbody>
</table>`;
}

function signalsTable(caption: string, signals: readonly PackSignal[], id: string, links: boolean): string {
  return table(
    caption,
    ['Metric', 'Signal', 'Status', 'From', 'To', 'Points', 'What Tend saw'],
    signals.map((signal) => [
      links ? `<a href="${e(signal.href)}">${e(signal.metricName)}</a>` : e(signal.metricName),
      e(signal.kindLabel),
      e(signal.statusLabel),
      e(signal.firstDate),
      e(signal.latestDate),
      e(signal.points),
      e(signal.detail),
    ]),
    id,
  );
}

/**
 * The pack's body (`packBodyHtml`). `links`: whether to link to Tend's pages (the page and PDF do;
 * a file written by the command line has no Tend to link to).
 */
export function packBodyHtml(pack: ReviewPack, options: { links: boolean } = { links: true }): string {
  const link = (href: string, text: string) =>
    options.links ? `<a href="${e(href)}">${e(text)}</a>` : e(text);
  const parts: string[] = [];
  const openActions = pack.lastReview?.actions.filter((action) => action.status === 'open').length ?? 0;

  parts.push(`<section id="in-brief" aria-labelledby="in-brief-heading">
<h2 id="in-brief-heading">In brief</h2>
<ul class="nhsuk-list nhsuk-list--bullet">
<li id="brief-improving">${e(pack.improving.length)} measure${pack.improving.length === 1 ? '' : 's'} improving</li>
<li id="brief-concerns">${e(pack.help.concerns)} concern${pack.help.concerns === 1 ? '' : 's'}, ${e(pack.help.withThreeOffers)} with three or more offers of help (${e(pack.help.offers)} offers in all)</li>
<li id="brief-actions">${pack.lastReview ? `${e(pack.lastReview.actions.length)} actions agreed at the last review, ${e(openActions)} still open` : 'No earlier review recorded'}</li>
<li id="brief-inquiries">${e(pack.openInquiries.length)} open inquir${pack.openInquiries.length === 1 ? 'y' : 'ies'}</li>
</ul>
${pack.review ? `<p>The review ${pack.review.state === 'held' ? `was held on ${e(longDate(pack.review.heldOn))}` : 'is planned'} with ${e(pack.review.overseerName)} (${e(pack.review.overseerCode)}).</p>` : ''}
<p>Generated from Tend on ${e(longDate(pack.generatedOn))}.</p>
</section>`);

  parts.push(`<section id="improving" aria-labelledby="improving-heading">
<h2 id="improving-heading">What is improving</h2>
${
  pack.improving.length
    ? signalsTable(
        `Improvements Tend finds in ${pack.org.name}'s charts`,
        pack.improving,
        'improving-table',
        options.links,
      )
    : `<p>Tend finds no open improvement signal in ${e(pack.org.name)}'s charts at the moment.</p>`
}
</section>`);

  const concerns = pack.concerns.map((concern) => {
    const offers = concern.offers.map((offer) => {
      const contacts = offer.contacts.length
        ? `<ul class="nhsuk-list">${offer.contacts
            .map(
              (contact) =>
                `<li>${e(contact.name)}, ${e(contact.role)}${contact.email ? ` – ${options.links ? `<a href="mailto:${e(contact.email)}">${e(contact.email)}</a>` : e(contact.email)}` : ''}</li>`,
            )
            .join('')}</ul>`
        : '<p>No contact named yet: ask Tend’s improvement facilitators for an introduction.</p>';
      const ideas = offer.changeIdeas.length
        ? `<p>Change ideas: ${offer.changeIdeas.map((idea) => e(idea.name)).join('; ')}</p>`
        : '';
      return `<li class="tend-offer">
<h4>${link(offer.href, offer.title)}</h4>
<p>${e(offer.orgName)} (${e(offer.orgCode)}) – ${e(nearnessLabels[offer.nearness] ?? offer.nearness)}${offer.kind === 'candidate' ? ' – a candidate Tend found in the data, not yet a directory entry' : ''}</p>
<p>${e(offer.improvement)}</p>
${contacts}
${ideas}
</li>`;
    });
    return `<section class="tend-concern" id="concern-${e(concern.metricId)}" aria-labelledby="concern-${e(concern.metricId)}-heading">
<h3 id="concern-${e(concern.metricId)}-heading">${link(concern.href, concern.metricName)}</h3>
<p>${e(concern.detail)} (from ${e(concern.firstDate)} to ${e(concern.latestDate)}, ${e(concern.points)} points).</p>
${offers.length ? `<p>${e(offers.length)} offer${offers.length === 1 ? '' : 's'} of help, nearest first:</p><ol class="tend-offers">${offers.join('\n')}</ol>` : ''}
${concern.gap ? `<div class="nhsuk-warning-callout"><h4 class="nhsuk-warning-callout__label"><span role="text"><span class="nhsuk-u-visually-hidden">Important: </span>A gap</span></h4><p>${e(concern.gap)}</p></div>` : ''}
</section>`;
  });
  parts.push(`<section id="help" aria-labelledby="help-heading">
<h2 id="help-heading">Concerns and the help on offer</h2>
${concerns.length ? concerns.join('\n') : `<p>Tend finds no open concern in ${e(pack.org.name)}'s charts at the moment.</p>`}
</section>`);
  parts.push(capabilityHtml(pack));

  const last = pack.lastReview;
  parts.push(`<section id="last-review" aria-labelledby="last-review-heading">
<h2 id="last-review-heading">What was agreed last time</h2>
${
  last
    ? `<p>At the review of ${e(last.quarter)}, held on ${e(longDate(last.heldOn))} (${link(last.href, 'the record')}); follow-up due ${e(longDate(last.followUpOn))}.</p>
${
  last.actions.length
    ? table(
        'Agreed actions and their follow-ups',
        ['Action', 'Owner', 'Due', 'Status', 'Follow-up'],
        last.actions.map((action) => [
          `${e(action.description)}${action.supportOffered ? `<br>Support: ${e(action.supportOffered)}${action.supportBy ? ` (${e(action.supportBy)})` : ''}` : ''}`,
          `${e(action.ownerName)} (${action.ownerSide === 'organisation' ? e(pack.org.name) : 'overseer'})`,
          e(action.dueOn),
          `${e(action.status)}${action.completedOn ? ` on ${e(action.completedOn)}` : ''}`,
          action.followUps.length
            ? action.followUps
                .map(
                  (followUp) =>
                    `${e(followUp.state)}, due ${e(followUp.dueOn)}${followUp.outcomeLabel ? `: ${e(followUp.outcomeLabel)}` : ''}${followUp.answer ? ` – ${e(followUp.answer)}` : ''}${followUp.changeMade ? ` (change made${followUp.changeMadeOn ? ` from ${e(followUp.changeMadeOn)}` : ''})` : ''}`,
                )
                .join('<br>')
            : 'None',
        ]),
        'last-actions-table',
      )
    : '<p>No actions were agreed.</p>'
}`
    : `<p>There is no earlier review of ${e(pack.org.name)} recorded in Tend.</p>`
}
</section>`);

  parts.push(`<section id="since" aria-labelledby="since-heading">
<h2 id="since-heading">What has happened since ${e(longDate(pack.since.date))}</h2>
<p>${pack.since.basis === 'last-review' ? 'Since the last review' : `Since the start of ${e(pack.quarter)}`}: signals that were still signalling, or that Tend first found, after that date.</p>
${
  pack.signalsSince.length
    ? signalsTable('Signals since then', pack.signalsSince, 'since-table', options.links)
    : '<p>No signals since then.</p>'
}
<h3>Open inquiries</h3>
${
  pack.openInquiries.length
    ? `<ul class="nhsuk-list nhsuk-list--bullet">${pack.openInquiries
        .map(
          (inquiry) =>
            `<li>${link(inquiry.href, inquiry.title)} – ${e(inquiry.stateLabel)}${inquiry.metricName ? ` (${e(inquiry.metricName)})` : ''}</li>`,
        )
        .join('')}</ul>`
    : '<p>No open inquiries you can read.</p>'
}
</section>`);

  const nof = pack.nof;
  parts.push(`<section id="nof" aria-labelledby="nof-heading">
<h2 id="nof-heading">The Oversight Framework position, as context</h2>
${
  nof
    ? `${nof.quarterNote ? `<p>${e(nof.quarterNote)}</p>` : ''}
<dl class="nhsuk-summary-list" id="nof-figures">
<div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">Quarter</dt><dd class="nhsuk-summary-list__value">${e(nof.quarter)}</dd></div>
<div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">Segment</dt><dd class="nhsuk-summary-list__value">${nof.segment === null ? 'None' : e(nof.segment)}${nof.segmentMeaning ? ` – ${e(nof.segmentMeaning)}` : ''}</dd></div>
<div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">Average metric score</dt><dd class="nhsuk-summary-list__value">${e(nof.average ?? 'not scored')}</dd></div>
<div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">Rank</dt><dd class="nhsuk-summary-list__value">${nof.rank === null ? 'not ranked' : `${e(nof.rank)} of ${e(nof.peerGroupSize)} ${e(nof.typeLabel)}`}</dd></div>
</dl>
<h3>What changed since the previous quarter</h3>
${
  nof.change
    ? `<p id="nof-change">Segment ${e(nof.change.previousSegment ?? 'none')} in ${e(nof.change.previousQuarter)}, ${e(nof.change.currentSegment ?? 'none')} in ${e(nof.quarter)}; average ${e(nof.change.previousAverage)} then, ${e(nof.change.currentAverage)} now. ${e(nof.change.verdictText)}.</p>`
    : `<p id="nof-change">${e(nof.changeMessage ?? '')}</p>`
}
<h3>The explanation</h3>
<ul class="nhsuk-list nhsuk-list--bullet">${nof.sentences.map((sentence) => `<li>${e(sentence)}</li>`).join('')}</ul>
<h3>What would move it to a better segment</h3>
${
  nof.moves.length
    ? table(
        'Metrics that alone would move the segment',
        ['Metric', 'To segment', 'Score now', 'Score needed', 'Value now', 'Value needed'],
        nof.moves.map((move) => [
          e(move.name),
          e(move.targetSegment),
          e(move.currentScore),
          e(move.scoreNeeded ?? ''),
          e(move.currentValue ?? ''),
          `${e(move.valueNeeded ?? '')}${move.note ? ` ${e(move.note)}` : ''}`,
        ]),
        'moves-table',
      )
    : '<p>No single metric would move it to a better segment on its own.</p>'
}`
    : `<p id="nof-none">${e(pack.nofMessage ?? 'Tend holds no Oversight Framework position for this organisation.')}</p>`
}
</section>`);
  return parts.join('\n');
}

/** Styles of the printed pack: A4, readable, tables kept whole where they fit. */
const printStyles = `
body { font-family: Arial, Helvetica, sans-serif; font-size: 11pt; line-height: 1.4; color: #212b32; margin: 0; }
h1 { font-size: 20pt; margin: 0 0 8pt; } h2 { font-size: 15pt; margin: 16pt 0 6pt; border-bottom: 1px solid #d8dde0; }
h3 { font-size: 12.5pt; margin: 12pt 0 4pt; } h4 { font-size: 11pt; margin: 6pt 0 2pt; }
table { border-collapse: collapse; width: 100%; margin: 6pt 0; font-size: 9.5pt; } caption { text-align: left; font-weight: bold; margin-bottom: 4pt; }
th, td { border-bottom: 1px solid #d8dde0; padding: 3pt 4pt; text-align: left; vertical-align: top; }
tr { break-inside: avoid; } section.tend-concern, li.tend-offer { break-inside: avoid; }
.nhsuk-warning-callout { border-left: 6pt solid #ffeb3b; background: #fff9c4; padding: 4pt 8pt; margin: 6pt 0; }
.nhsuk-u-visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
dl { margin: 0; } .nhsuk-summary-list__row { display: flex; gap: 12pt; } dt { font-weight: bold; width: 12em; } dd { margin: 0; }
a { color: #005eb8; } ul, ol { margin: 4pt 0; padding-left: 16pt; }
`;

/** The whole pack as a printable HTML document (`packDocumentHtml`): what the PDF is made from. */
export function packDocumentHtml(
  pack: ReviewPack,
  options: { links: boolean; origin?: string } = { links: true },
): string {
  const base = options.origin ? `<base href="${e(options.origin)}/">` : '';
  return `<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>${e(packTitle(pack))}</title>
${base}
<style>${printStyles}</style>
</head>
<body>
<main>
<p>${e(pack.org.name)} (${e(pack.org.code)}) – Tend</p>
<h1>${e(packTitle(pack))}</h1>
${packBodyHtml(pack, options)}
</main>
</body>
</html>`;
}

/**
 * The support the organisation asked for in its latest NHS IMPACT capability self-assessment, beside
 * the offers of help (`capabilityHtml`); self-assessed, and apart from the segment.
 */
function capabilityHtml(pack: ReviewPack): string {
  const latest = pack.capability;
  const rows = latest
    ? latest.ratings
        .map(
          (rating) =>
            `<tr><td>${e(rating.componentLabel)}</td><td>${e(rating.level)} – ${e(rating.levelLabel)}</td><td>${e(rating.supportAsked ?? 'None asked')}</td></tr>`,
        )
        .join('\n')
    : '';
  return `<section id="capability-support" aria-labelledby="capability-support-heading">
<h2 id="capability-support-heading">Support asked for: capability (self-assessed)</h2>
${
  latest
    ? `<p>From ${e(pack.org.name)}'s NHS IMPACT capability self-assessment of ${e(longDate(latest.assessedOn))}, rated 1 (not started) to 5 (leading). It does not affect the segment.</p>
<table class="nhsuk-table"><thead><tr><th scope="col">Component</th><th scope="col">Level</th><th scope="col">Support asked for</th></tr></thead><tbody>
${rows}
</tbody></table>`
    : `<p>${e(pack.org.name)} has not recorded a capability self-assessment.</p>`
}
</section>`;
}
