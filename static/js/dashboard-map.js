/* The dashboard's map: a circle per desa (or kecamatan) sized by its leads, darker the more of them
   registered. Leaflet is served by Sasar (static/vendor/leaflet); background tiles are drawn only when
   SASAR_MAP_TILE_URL is set, so without a tile server the circles show on a plain background. */
(function () {
  "use strict";
  var box = document.querySelector("[data-map]");
  if (!box || !window.L) return;
  var data = box.dataset;
  var numbers = new Intl.NumberFormat("id-ID");
  var center = data.center.split(",").map(Number);
  var map = L.map(box, { scrollWheelZoom: false, attributionControl: Boolean(data.tileUrl) }).setView(center, 10);
  if (data.tileUrl) {
    L.tileLayer(data.tileUrl, { attribution: data.tileAttribution || "", maxZoom: 18 }).addTo(map);
  }

  function popup(point) {
    var box = document.createElement("div");
    var title = document.createElement("strong");
    title.textContent = point.kecamatan ? point.name + ", " + point.kecamatan : point.name;
    var figures = document.createElement("p");
    figures.textContent = numbers.format(point.prospects) + " " + data.labelProspects + " · " +
      numbers.format(point.registered) + " " + data.labelRegistered;
    var link = document.createElement("a");
    link.href = point.url;
    link.textContent = data.labelList;
    box.append(title, figures, link);
    return box;
  }

  fetch(data.mapUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) { return response.json(); })
    .then(function (result) {
      var biggest = Math.max.apply(null, [1].concat(result.points.map(function (p) { return p.prospects; })));
      var bounds = [];
      result.points.forEach(function (point) {
        var share = point.prospects ? point.registered / point.prospects : 0;
        var marker = L.circleMarker([point.lat, point.lng], {
          radius: 4 + 18 * Math.sqrt(point.prospects / biggest), weight: 1, color: "#084c37",
          fillColor: "#0b6e4f", fillOpacity: 0.2 + 0.7 * share, className: "map-marker"
        });
        marker.bindPopup(popup(point));
        marker.bindTooltip(document.createTextNode(point.name + ": " + numbers.format(point.prospects)));
        marker.addTo(map);
        bounds.push([point.lat, point.lng]);
      });
      if (bounds.length) map.fitBounds(bounds, { padding: [24, 24], maxZoom: 13 });
      box.dataset.markers = String(bounds.length);
      var note = document.querySelector("[data-map-unplaced]");
      if (note && result.unplaced.prospects) {
        note.textContent = data.labelUnplaced.replace("{n}", numbers.format(result.unplaced.prospects));
        note.hidden = false;
      }
    });
})();
