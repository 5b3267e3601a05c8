import { makeDocx, makeNotebook, makePdf } from './documentFixtures';

/** A two-page policy: a title and a section heading on page 1, a section continued and a new one on page 2. */
export function policyPdf(): Buffer {
  return makePdf([
    [
      { text: 'Travel Policy', size: 22 },
      { text: 'Booking', size: 16 },
      { text: 'Employees book economy class for flights under six hours.', size: 11 },
      { text: 'Managers approve business class in writing.', size: 11 },
    ],
    [
      { text: 'Hotels are booked through the travel desk (ext. 4410).', size: 11 },
      { text: 'Refunds', size: 16 },
      { text: 'Unused tickets are refunded within 14 days.', size: 11 },
    ],
  ]);
}

/** A Word policy: a title, a paragraph, a subsection with two paragraphs. */
export function expenseDocx(): Buffer {
  return makeDocx([
    { text: 'Expense Policy', style: 'Heading1' },
    { text: 'Receipts are required for every expense over 25 euros.' },
    { text: 'Meals', style: 'Heading2' },
    { text: 'Dinner with a client is refunded up to 60 euros a person.' },
    { text: 'Alcohol is never refunded.' },
  ]);
}

/** An exported wiki page: site navigation, a header and footer, scripts and styles around the article. */
export const WIKI_EXPORT = `<!DOCTYPE html>
<html>
<head><title>Runbook</title><style>body { color: red }</style></head>
<body>
<header><a href="/">Acme Wiki</a> <nav><a href="/spaces">Spaces</a> <a href="/people">People</a></nav></header>
<div class="sidebar" role="navigation"><ul><li>Home</li><li>Recent changes</li></ul></div>
<main>
<h1>Database failover</h1>
<p>When the primary stops answering, promote the replica
with <code>pg_ctl promote</code>.</p>
<h2>Before you start</h2>
<ul><li>Page the on-call DBA.</li><li>Freeze deploys &amp; migrations.</li></ul>
<script>trackPageView("runbook")</script>
<h2>Afterwards</h2>
<table><tr><th>Step</th><th>Owner</th></tr><tr><td>Rebuild the old primary</td><td>DBA</td></tr></table>
<pre>psql -c 'select 1'
  -- indented</pre>
</main>
<footer>Copyright Acme. <a href="/privacy">Privacy</a></footer>
</body>
</html>
`;

/** An analysis notebook: headings in Markdown cells, Python in code cells, one with a large output. */
export const CHURN_NOTEBOOK = makeNotebook([
  { kind: 'markdown', source: '# Churn analysis\n\nWhy customers cancel in their first month.' },
  { kind: 'code', source: 'import pandas as pd\n\ndef load_events(path):\n    return pd.read_csv(path)\n', outputs: [{ output_type: 'stream', name: 'stdout', text: ['OUTPUT-ONLY-TOKEN loaded 120000 rows\n'] }] },
  { kind: 'markdown', source: '## Cohorts\n\nCustomers are grouped by signup week.' },
  { kind: 'code', source: 'cohorts = events.groupby("signup_week").size()' },
  { kind: 'markdown', source: '' },
]);
