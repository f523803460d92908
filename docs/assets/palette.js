// The light/dark toggle in the header, in place of Material's palette component. That component
// restyles the whole page twice on every load (it marks <body> data-md-color-switching, reads the
// header's computed style, and unmarks it a frame later), the largest part of the theme script's
// cost on a long chapter. The build takes the form away from it (sitetools/hooks/theme_html.py);
// this does what it did: the same inputs, labels and stored choice (__palette, which the theme's
// inline script in <head> applies before the first paint), the colour-scheme meta tag, and Enter
// on the toggle moves to the next scheme. Material's component also set a theme-color meta tag
// from the header's computed style; reading that style costs a whole-page restyle (50-150 ms on
// the mixed-precision chapter, even once the page is idle), so the browser keeps its own bar colour.
(function () {
  var form = document.querySelector("form[data-palette-toggle]");
  if (!form) return;
  var inputs = Array.prototype.slice.call(form.querySelectorAll("input[name=__palette]"));
  var meta = document.createElement("meta");
  meta.name = "color-scheme";
  document.head.appendChild(meta);

  function colour(input) {
    return {
      media: input.getAttribute("data-md-color-media"),
      scheme: input.getAttribute("data-md-color-scheme"),
      primary: input.getAttribute("data-md-color-primary"),
      accent: input.getAttribute("data-md-color-accent"),
    };
  }
  function show(index, save) {
    var chosen = colour(inputs[index]);
    Object.keys(chosen).forEach(function (key) {  // unchanged attributes restyle nothing
      if (document.body.getAttribute("data-md-color-" + key) !== chosen[key])
        document.body.setAttribute("data-md-color-" + key, chosen[key]);
    });
    inputs.forEach(function (input, i) {
      input.checked = i === index;
      input.nextElementSibling.hidden = i !== index;  // the label that switches away from it
    });
    // Material's palette styles: slate is dark ([data-md-color-scheme=slate]{color-scheme:dark}),
    // the default scheme light.
    meta.content = chosen.scheme === "slate" ? "dark" : "light";
    if (save) __md_set("__palette", { index: index, color: chosen });
  }

  var stored = __md_get("__palette");
  var index = stored
    ? stored.index
    : inputs.findIndex(function (input) {
        return matchMedia(input.getAttribute("data-md-color-media")).matches;
      });
  show(Math.max(0, Math.min(index, inputs.length - 1)), false);

  form.addEventListener("change", function (event) {
    var i = inputs.indexOf(event.target);
    if (i < 0) return;
    show(i, true);
  });
  form.addEventListener("keydown", function (event) {
    if (event.key !== "Enter") return;
    var next = (inputs.findIndex(function (input) { return input.checked; }) + 1) % inputs.length;
    inputs[next].click();
    inputs[next].focus();
  });
})();
