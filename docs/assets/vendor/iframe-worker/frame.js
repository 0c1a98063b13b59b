/*! Part of the iframe-worker 1.0.4 shim (MIT, Copyright (c) 2020-2022 Martin Donath, see LICENSE
   here): what its frame ran as an inline script, moved into a file so that the
   Content-Security-Policy allows it. The worker's address comes from data-worker. */
"use strict";
(function () {
  var url = document.currentScript.dataset.worker;
  // Material's search worker finds its own folder from the frame's first script[src].
  document.currentScript.remove();
  self.postMessage = function (message, origin) { parent.postMessage(message, origin || "*"); };
  self.importScripts = function () {
    return Array.prototype.reduce.call(arguments, function (done, src) {
      return done.then(function () {
        return new Promise(function (resolve) {
          var script = document.createElement("script");
          script.src = src;
          script.onload = resolve;
          document.body.appendChild(script);
        });
      });
    }, Promise.resolve());
  };
  addEventListener("error", function (event) {
    parent.dispatchEvent(new ErrorEvent("error", { filename: url, error: event.error }));
  });
})();
