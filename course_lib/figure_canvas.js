// The browser side of course_lib/figure_canvas.py: paint a background picture and the
// layers the kernel sends (images, lines, segments, rastered artists) on a canvas.
// The newest frame is decoded and painted at the next animation frame; frames that arrive
// faster than the browser paints are skipped.

const bytes = (b) =>
  b instanceof DataView ? new Uint8Array(b.buffer, b.byteOffset, b.byteLength)
  : b instanceof ArrayBuffer ? new Uint8Array(b) : new Uint8Array(b.buffer ?? b);
// a copy: typed views need aligned offsets, a message's buffers may not have them
const floats = (b) => new Float32Array(bytes(b).slice().buffer);
const pngBitmap = (b) => createImageBitmap(new Blob([bytes(b)], { type: "image/png" }));
const css = ([r, g, b, a]) =>
  `rgba(${Math.round(r * 255)},${Math.round(g * 255)},${Math.round(b * 255)},${a})`;

const inflate = async (b) => new Uint8ClampedArray(await new Response(
  new Blob([bytes(b)]).stream().pipeThrough(new DecompressionStream("deflate"))).arrayBuffer());

async function decodeLayer(layer) {
  if (layer.kind !== "image") return layer;
  const rgba = layer.zlib ? await inflate(layer.zlib)
    : new Uint8ClampedArray(bytes(layer.rgba).slice().buffer);
  const bitmap = await createImageBitmap(new ImageData(rgba, layer.cols, layer.rows));
  return { ...layer, bitmap };
}

function clip(ctx, box) {
  if (!box) return;
  ctx.beginPath();
  ctx.rect(box[0], box[1], box[2], box[3]);
  ctx.clip();
}

function paintLayer(ctx, layer, rasters) {
  ctx.save();
  clip(ctx, layer.clip);
  if (layer.kind === "image") {
    ctx.imageSmoothingEnabled = layer.smooth;
    ctx.globalAlpha = layer.alpha;
    ctx.drawImage(layer.bitmap, layer.x, layer.y, layer.w, layer.h);
  } else if (layer.kind === "raster") {
    const raster = rasters[layer.index];
    if (raster) ctx.drawImage(raster.bitmap, raster.x, raster.y);
  } else if (layer.kind === "lines") {
    const p = floats(layer.points);
    ctx.strokeStyle = css(layer.color);
    ctx.lineWidth = layer.width;
    ctx.lineCap = layer.cap;
    ctx.lineJoin = layer.join;
    ctx.setLineDash(layer.dashes);
    ctx.lineDashOffset = layer.dash_offset;
    ctx.beginPath();
    let pen = false; // a NaN (a diverged loss) lifts the pen, as in matplotlib
    for (let k = 0; k < p.length; k += 2) {
      if (!Number.isFinite(p[k]) || !Number.isFinite(p[k + 1])) { pen = false; continue; }
      if (pen) ctx.lineTo(p[k], p[k + 1]); else ctx.moveTo(p[k], p[k + 1]);
      pen = true;
    }
    ctx.stroke();
  } else if (layer.kind === "segments") {
    const p = floats(layer.points), w = floats(layer.widths), c = bytes(layer.colors);
    ctx.lineCap = layer.cap;
    for (let k = 0; k < w.length; k++) {
      ctx.strokeStyle = `rgba(${c[4 * k]},${c[4 * k + 1]},${c[4 * k + 2]},${c[4 * k + 3] / 255})`;
      ctx.lineWidth = w[k];
      ctx.beginPath();
      ctx.moveTo(p[4 * k], p[4 * k + 1]);
      ctx.lineTo(p[4 * k + 2], p[4 * k + 3]);
      ctx.stroke();
    }
  }
  ctx.restore();
}

export default {
  render({ model, el }) {
    const canvas = document.createElement("canvas");
    // its own size, shrunk to the width there is (a slide may also cap its height)
    canvas.style.maxWidth = "100%";
    canvas.style.height = "auto";
    canvas.style.display = "block";
    // its size at once, and out of the layout until its first frame is painted: the
    // PNG before it stays in place until then, and the page does not jump
    canvas.width = model.get("width") || 300;
    canvas.height = model.get("height") || 150;
    const box = document.createElement("div");
    box.style.display = "none";
    box.appendChild(canvas);
    el.appendChild(box);
    const ctx = canvas.getContext("2d");
    // Frames arrive with the kernel's jitter: a few are kept decoded in a queue and
    // painted one per animation frame, so that a kernel sending 60 or more a second
    // shows a new picture at every frame. A longer queue drops its oldest frames.
    const QUEUE = 3;
    const incoming = [], ready = [];
    let decoding = false, scheduled = false, alive = true, last = null;
    const bitmaps = new WeakMap(); // background and raster PNGs, decoded once

    const decodePng = async (b) => {
      if (!bitmaps.has(b)) bitmaps.set(b, await pngBitmap(b));
      return bitmaps.get(b);
    };

    const paint = () => {
      scheduled = false;
      if (!alive || !ready.length) return;
      const f = ready.shift();
      if (canvas.width !== f.width) canvas.width = f.width;
      if (canvas.height !== f.height) canvas.height = f.height;
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      if (f.background) ctx.drawImage(f.background, 0, 0);
      for (const layer of f.layers) paintLayer(ctx, layer, f.rasters);
      if (!last) {
        // the PNG this canvas takes over from stays until now: no blank frame in between
        const png = el.previousElementSibling;
        if (png && png.tagName === "IMG" && png.classList.contains("course-plot")) {
          png.style.display = "none";
        }
        box.style.display = "";
        el.dataset.painted = "true"; // for tests: the canvas shows the picture from now on
      }
      last = f;
      // for benchmarks and tests: a new picture is on the canvas (detail: the kernel's count)
      el.dispatchEvent(new CustomEvent("course-painted", { bubbles: true, detail: f.frame }));
      schedule();
    };
    const schedule = () => {
      if (!scheduled && ready.length) { scheduled = true; requestAnimationFrame(paint); }
    };

    const decode = async () => {
      if (decoding) return;
      decoding = true;
      try {
        while (incoming.length) {
          const s = incoming.shift();
          const f = { width: s.width, height: s.height, frame: s.frame,
                      layers: await Promise.all(s.layers.map(decodeLayer)) };
          f.background = bytes(s.background).length ? await decodePng(s.background)
            : last?.background;
          f.rasters = await Promise.all(s.rasters.map(async (r) => ({
            x: r.x, y: r.y, bitmap: await decodePng(r.png) })));
          ready.push(f);
          if (ready.length > QUEUE) ready.shift();
          schedule();
        }
      } finally {
        decoding = false;
      }
    };

    const receive = () => {
      incoming.push({ width: model.get("width"), height: model.get("height"),
                      frame: model.get("frame"), layers: model.get("layers"),
                      background: model.get("background"), rasters: model.get("rasters") });
      if (incoming.length > QUEUE) incoming.shift();
      decode();
    };
    model.on("change:frame", receive);
    receive();
    return () => { alive = false; model.off("change:frame", receive); };
  },
};
