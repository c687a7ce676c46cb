// Viewer request on the web page behaviour: a path without a file extension is a client-side
// route of the single-page app, so it is served /index.html. /api/* never reaches this function.
function handler(event) {
  var request = event.request;
  var last = request.uri.split('/').pop();
  if (last.indexOf('.') === -1) {
    request.uri = '/index.html';
  }
  return request;
}
