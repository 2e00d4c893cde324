// Jigsaw's page script, loaded as <script type="module"> at the end of <body>.
//
// The Content-Security-Policy forbids inline script, so this does the job of
// the inline snippet in GOV.UK Frontend's page template: mark the body as
// JavaScript-enabled and supported (any browser that runs a module script
// supports GOV.UK Frontend), then start every GOV.UK Frontend component.
import { initAll } from "./govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

// A guidance flow swaps its next question in place (htmx): move focus to the new
// heading so keyboard and screen-reader users start at the question, not the page top.
document.body.addEventListener("htmx:afterSwap", (event) => {
  const heading = document.getElementById("guidance-heading");
  if (heading && event.detail.target.id === "guidance") {
    heading.focus();
  }
});
