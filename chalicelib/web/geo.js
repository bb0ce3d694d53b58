/* Yueyou: datum conversions for maps in China, shared by the app and the cockpit.
 * Our data is WGS84; Chinese web maps (Amap tiles, navigation links) use GCJ-02, Baidu BD-09. */
(function () {
  "use strict";
  function outOfChina(lon, lat) { return lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271; }
  function gcj02(lon, lat) {
    if (outOfChina(lon, lat)) return [lon, lat];
    var a = 6378245.0, ee = 0.00669342162296594323, x = lon - 105.0, y = lat - 35.0;
    var dLat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
    dLat += (20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0 / 3.0;
    dLat += (20.0 * Math.sin(y * Math.PI) + 40.0 * Math.sin(y / 3.0 * Math.PI)) * 2.0 / 3.0;
    dLat += (160.0 * Math.sin(y / 12.0 * Math.PI) + 320 * Math.sin(y * Math.PI / 30.0)) * 2.0 / 3.0;
    var dLon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
    dLon += (20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0 / 3.0;
    dLon += (20.0 * Math.sin(x * Math.PI) + 40.0 * Math.sin(x / 3.0 * Math.PI)) * 2.0 / 3.0;
    dLon += (150.0 * Math.sin(x / 12.0 * Math.PI) + 300.0 * Math.sin(x / 30.0 * Math.PI)) * 2.0 / 3.0;
    var radLat = lat / 180.0 * Math.PI, magic = Math.sin(radLat);
    magic = 1 - ee * magic * magic;
    var sqrtMagic = Math.sqrt(magic);
    dLat = (dLat * 180.0) / ((a * (1 - ee)) / (magic * sqrtMagic) * Math.PI);
    dLon = (dLon * 180.0) / (a / sqrtMagic * Math.cos(radLat) * Math.PI);
    return [lon + dLon, lat + dLat];
  }
  /* GCJ-02 -> BD-09 (Baidu Maps), the published formula (x_pi = pi * 3000 / 180). */
  function bd09(lon, lat) {
    var xPi = Math.PI * 3000.0 / 180.0;
    var z = Math.sqrt(lon * lon + lat * lat) + 0.00002 * Math.sin(lat * xPi);
    var theta = Math.atan2(lat, lon) + 0.000003 * Math.cos(lon * xPi);
    return [z * Math.cos(theta) + 0.0065, z * Math.sin(theta) + 0.006];
  }
  window.YueyouGeo = { gcj02: gcj02, bd09: bd09 };
})();
