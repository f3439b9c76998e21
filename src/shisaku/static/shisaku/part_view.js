// The 3D preview of an estimated part (an ES module served as a static file: no inline
// script). Every element with class "part-view" and a data-mesh-url is filled with a three.js
// view of the decimated mesh; faces of DFM findings are coloured (undercuts, thin walls,
// missing draft). three.js comes from the ifc-console-viewer wheel (static "three/").
import * as THREE from "../three/three.module.min.js";
import { OrbitControls } from "../three/OrbitControls.js";

const COLOURS = { 0: [0.72, 0.76, 0.82], 1: [0.86, 0.16, 0.16], 2: [0.95, 0.6, 0.05], 3: [0.2, 0.45, 0.9] };

function build(el, data) {
  const faces = data.face_kind.length;
  const positions = new Float32Array(data.positions);
  const colours = new Float32Array(faces * 9);
  for (let f = 0; f < faces; f++) {
    const c = COLOURS[data.face_kind[f]] || COLOURS[0];
    for (let k = 0; k < 3; k++) colours.set(c, f * 9 + k * 3);
  }
  const geometry = new THREE.BufferGeometry();
  geometry.setAttribute("position", new THREE.BufferAttribute(positions, 3));
  geometry.setAttribute("color", new THREE.BufferAttribute(colours, 3));
  geometry.computeVertexNormals();
  const material = new THREE.MeshStandardMaterial({ vertexColors: true, metalness: 0.05,
    roughness: 0.7, side: THREE.DoubleSide, flatShading: true });
  const mesh = new THREE.Mesh(geometry, material);
  const [cx, cy, cz] = data.centre_mm;
  mesh.position.set(-cx, -cy, -cz);

  const width = el.clientWidth || 480;
  const height = el.clientHeight || 360;
  const scene = new THREE.Scene();
  scene.background = new THREE.Color(0xf6f7f9);
  scene.add(mesh);
  scene.add(new THREE.HemisphereLight(0xffffff, 0x666677, 2.2));
  const sun = new THREE.DirectionalLight(0xffffff, 1.6);
  sun.position.set(1, 2, 3);
  scene.add(sun);
  const size = Math.max(...data.bbox_mm, 1);
  const camera = new THREE.PerspectiveCamera(35, width / height, size / 100, size * 20);
  camera.position.set(size * 1.3, -size * 1.6, size * 1.2);
  camera.up.set(0, 0, 1);
  camera.lookAt(0, 0, 0);
  const renderer = new THREE.WebGLRenderer({ antialias: true, preserveDrawingBuffer: true });
  renderer.setPixelRatio(window.devicePixelRatio || 1);
  renderer.setSize(width, height, false);
  el.appendChild(renderer.domElement);
  const controls = new OrbitControls(camera, renderer.domElement);
  controls.addEventListener("change", () => renderer.render(scene, camera));
  renderer.render(scene, camera);
  window.addEventListener("resize", () => {
    const w = el.clientWidth, h = el.clientHeight;
    camera.aspect = w / h;
    camera.updateProjectionMatrix();
    renderer.setSize(w, h, false);
    renderer.render(scene, camera);
  });
  // what the view shows, for people using assistive technology and for tests
  const shown = Object.entries(data.highlighted).filter(([, n]) => n > 0).map(([k]) => k);
  el.dataset.highlighted = shown.join(" ");
  el.dataset.faces = String(faces);
  el.dataset.state = "ready";
}

for (const el of document.querySelectorAll(".part-view[data-mesh-url]")) {
  el.dataset.state = "loading";
  fetch(el.dataset.meshUrl, { credentials: "same-origin" })
    .then((r) => (r.ok ? r.json() : Promise.reject(new Error(String(r.status)))))
    .then((data) => build(el, data))
    .catch(() => { el.dataset.state = "failed"; el.textContent = el.dataset.failedText || ""; });
}
