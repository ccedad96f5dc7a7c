/** The operator console's and the API reference's part of /assets/pages.css (consolePage.tsx, client/console/, docsPage.tsx). */
export const CONSOLE_CSS = `
[hidden] { display: none !important; }
header.top { justify-content: space-between; }
nav#sections { display: flex; flex-wrap: wrap; gap: .5rem; margin: .5rem 0 1rem; }
nav#sections button { background: #e4e7eb; color: #1b1f24; }
nav#sections button[aria-current="true"] { background: #0b57d0; color: #fff; }
form.sign-in { background: #fff; border: 1px solid #d7dbe0; border-radius: .5rem; padding: 1rem; max-width: 36rem; display: grid; gap: .5rem; }
form.inline { display: flex; flex-wrap: wrap; align-items: end; gap: .5rem 1rem; margin: .75rem 0; }
.field { display: inline-flex; flex-direction: column; gap: .2rem; }
.field label { font-size: .85rem; color: #4b5563; }
input, select { font: inherit; padding: .35rem .5rem; border: 1px solid #6b7280; border-radius: .25rem; background: #fff; }
input[type="number"] { width: 7rem; }
article.card { background: #fff; border: 1px solid #d7dbe0; border-radius: .5rem; padding: 1rem; margin: 1rem 0; }
h3 { font-size: 1.05rem; margin: 0 0 .5rem; }
caption { text-align: left; font-weight: 600; padding: .25rem 0; }
td code, output { font-family: ui-monospace, monospace; font-size: .85rem; overflow-wrap: anywhere; }
.once { background: #fff0c2; border: 1px solid #6b4a00; border-radius: .5rem; padding: .5rem 1rem; }
#message:empty { display: none; }
#message { padding: .5rem .75rem; border-radius: .25rem; background: #d9f2df; color: #10562a; }
#message[data-kind="error"] { background: #fbd5d5; color: #7a1010; }
button.danger { background: #b3261e; }
/* The API reference (docsPage.tsx). */
section.op { border-top: 1px solid #d7dbe0; padding: .5rem 0; }
h4 { font-size: 1rem; margin: .25rem 0; }
.method { display: inline-block; min-width: 4rem; text-align: center; border-radius: .25rem; padding: 0 .4rem; color: #fff; font-size: .85rem; }
.method-get { background: #146c2e; } .method-post { background: #0b57d0; } .method-patch { background: #7d5260; } .method-delete { background: #b3261e; }
pre { background: #f0f2f5; padding: .5rem; overflow-x: auto; font-size: .8rem; }
.answer p { margin: .25rem 0; }
[data-verified="false"], [data-status="failed"] { color: #7a1010; }
`;
