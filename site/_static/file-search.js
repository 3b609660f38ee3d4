// Opened as a file (file://), the browser refuses the requests Sphinx's search makes for each
// result's snippet. There, the search lists the matching pages without snippets and says how to
// serve the site for the full search.
if (window.location.protocol === "file:") {
  if (typeof DOCUMENTATION_OPTIONS !== "undefined") {
    DOCUMENTATION_OPTIONS.SHOW_SEARCH_SUMMARY = false;
  }
  document.addEventListener("DOMContentLoaded", () => {
    const results = document.getElementById("search-results");
    if (!results) return;
    const note = document.createElement("p");
    note.className = "file-search-note";
    note.textContent =
      "This site is opened as a file, so the search lists the pages without their snippets. " +
      "For the full search, serve it: run `make serve-site` in the course folder (or " +
      "`python -m http.server -d build/site`) and open http://127.0.0.1:8000/search.html";
    results.before(note);
  });
}
