// What Material's bundle adds to a page, made accessible: each code block's copy button
// sits in its own <nav>, so a page of commands has a dozen navigation landmarks with no
// name (axe: landmark-unique). A group around one button is no navigation.
(function () {
  function fix() {
    document.querySelectorAll("nav.md-code__nav").forEach(function (nav) { nav.setAttribute("role", "none"); });
  }
  document$.subscribe(function () { fix(); setTimeout(fix); });
})();
