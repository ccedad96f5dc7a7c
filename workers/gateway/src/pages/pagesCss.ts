/** The pages' own stylesheet (served at /assets/pages.css): plain, readable, dark-on-light. */
export const PAGES_CSS = `
:root { font-family: system-ui, sans-serif; color: #1b1f24; background: #f6f7f9; }
body { margin: 0 auto; max-width: 72rem; padding: 1.5rem; }
header { display: flex; align-items: baseline; gap: 1rem; flex-wrap: wrap; }
h1 { font-size: 1.5rem; margin: 0 0 .5rem; }
h2 { font-size: 1.2rem; margin: 0; }
section.chain { background: #fff; border: 1px solid #d7dbe0; border-radius: .5rem; padding: 1rem; margin: 1rem 0; }
.state { display: inline-block; padding: .1rem .6rem; border-radius: 1rem; font-weight: 600; }
.state-operational { background: #d9f2df; color: #10562a; }
.state-degraded { background: #fff0c2; color: #6b4a00; }
.state-down { background: #fbd5d5; color: #7a1010; }
.state-unknown { background: #e4e7eb; color: #39424d; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: .75rem 0; }
dl.facts dt { color: #4b5563; }
dl.facts dd { margin: 0; font-variant-numeric: tabular-nums; }
table { border-collapse: collapse; margin: .5rem 0; }
th, td { text-align: left; padding: .25rem .75rem .25rem 0; font-variant-numeric: tabular-nums; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(20rem, 1fr)); gap: 1rem; }
figure { margin: 0; }
figcaption { font-weight: 600; margin-bottom: .25rem; }
.muted { color: #4b5563; font-size: .9rem; }
a { color: #0b57d0; }
:focus-visible { outline: 3px solid #0b57d0; outline-offset: 2px; }
/* The tenant dashboard (dashboardPage.tsx). */
section.card, form.card { background: #fff; border: 1px solid #d7dbe0; border-radius: .5rem; padding: 1rem; margin: 1rem 0; }
form.key-form { display: grid; grid-template-columns: max-content minmax(12rem, 28rem); gap: .5rem 1rem; align-items: center; }
form.key-form button { grid-column: 2; justify-self: start; }
form.key-form label { font-weight: 600; }
form.key-form .error, form.key-form .muted { grid-column: 1 / -1; margin: 0; }
input[type="password"] { font: inherit; padding: .4rem .5rem; border: 1px solid #6b7280; border-radius: .25rem; }
button { font: inherit; padding: .4rem 1rem; border: 0; border-radius: .25rem; background: #0b57d0; color: #fff; cursor: pointer; }
button:hover { background: #0842a0; }
.error { color: #7a1010; background: #fbd5d5; padding: .5rem .75rem; border-radius: .25rem; }
section.card table { min-width: 20rem; }
`;
