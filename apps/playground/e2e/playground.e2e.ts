import { mlp, Sequential } from '@chainrule/core';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { epochOf, launch, numberOf, openFresh, SCREENSHOTS } from './browser';

const base = inject('playgroundUrl');
let context: BrowserContext;
let page: Page;
let errors: string[];

beforeAll(async () => {
  ({ context, page, errors } = await launch());
});
afterAll(async () => {
  await context?.close();
});

/** Opens a URL as a fresh load (a new document, not a hash change). */
const open = (hash = '') => openFresh(page, `${base}${hash}`);

/** Selects a weight's link (or a neuron, for its bias), sets the inspector's value, and waits for the model's. */
async function setParameter(testid: string, value: string) {
  // Dispatched on the element itself: at a link's midpoint, another may lie on top.
  await page.dispatchEvent(`[data-testid=${testid}]`, 'click');
  await page.waitForSelector('[data-testid=edit-apply]');
  await page.fill('[data-testid=edit-value]', value);
  await page.click('[data-testid=edit-apply]');
  await page.waitForFunction(
    (v) => Number((document.querySelector('[data-testid=edit-value]') as HTMLInputElement)?.value) === v,
    Number(value),
  );
}

/** Picks `text` as the file `name` in an import button's file chooser (what a user's upload does). */
async function chooseFile(button: 'import-model' | 'import-csv', name: string, text: string) {
  const [chooser] = await Promise.all([
    page.waitForEvent('filechooser'),
    page.click(`[data-testid=${button}]`),
  ]);
  const mimeType = button === 'import-csv' ? 'text/csv' : 'application/json';
  await chooser.setFiles({ name, mimeType, buffer: Buffer.from(text) });
}

describe('the playground in Chromium', () => {
  it('trains: play raises the epoch counter and the training loss falls on the circle data', async () => {
    await open('#speed=0');
    await page.click('[data-testid=dataset-circle]');
    await page.waitForTimeout(300);
    const lossBefore = await numberOf(page, 'loss-train');
    expect(await epochOf(page)).toBe(0);
    await page.click('[data-testid=play]');
    await page.waitForFunction(
      () => Number(document.querySelector('[data-testid=epoch]')?.textContent?.replace(/\D/g, '')) > 200,
    );
    await page.click('[data-testid=pause]');
    await page.waitForTimeout(200);
    const epoch = await epochOf(page);
    const lossAfter = await numberOf(page, 'loss-train');
    expect(epoch).toBeGreaterThan(200);
    expect(lossAfter).toBeLessThan(lossBefore / 2);
    expect(await page.textContent('[data-testid=steps-per-second]')).toBe('idle');
    await page.screenshot({ path: `${SCREENSHOTS}trained-circle.png`, fullPage: true });
    // The output heatmap is a canvas with pixels in both classes' colors.
    const colors = await page.$eval('[data-testid=output-heatmap]', (c) => {
      const canvas = c as HTMLCanvasElement;
      const d =
        canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ??
        new Uint8ClampedArray();
      let blue = 0;
      let orange = 0;
      for (let i = 0; i < d.length; i += 4) {
        if ((d[i + 2] as number) > 150 && (d[i] as number) < 100) blue++;
        if ((d[i] as number) > 200 && (d[i + 2] as number) < 100) orange++;
      }
      return { blue, orange, size: canvas.width };
    });
    expect(colors.size).toBeGreaterThan(0);
    expect(colors.blue).toBeGreaterThan(50);
    expect(colors.orange).toBeGreaterThan(50);
  });

  // The chosen speed, and the default: about one epoch per animation frame.
  for (const [hash, perSecond, atLeast] of [
    ['#speed=10', 10, 12],
    ['', 60, 80],
  ] as const) {
    it(`paces training at ${perSecond} epochs a second${hash ? '' : ' by default'}`, async () => {
      await open(hash);
      expect(await page.inputValue('[data-testid=speed]')).toBe(String(perSecond));
      const started = Date.now();
      await page.click('[data-testid=play]');
      await page.waitForTimeout(2000);
      await page.click('[data-testid=pause]');
      const seconds = (Date.now() - started) / 1000;
      await page.waitForTimeout(200);
      const epoch = await epochOf(page);
      // At least most of the 2 s, never more than the wall time allows.
      expect(epoch).toBeGreaterThanOrEqual(atLeast);
      expect(epoch).toBeLessThanOrEqual(Math.ceil(perSecond * seconds) + 1);
    });
  }

  it('shows steps per second while training, for both kernels', async () => {
    await open('#speed=0');
    expect(await page.getAttribute('[data-testid=kernels]', 'data-active')).toBe('wasm');
    // Chromium validates relaxed SIMD, so the worker loads the fused-multiply-add build.
    expect(await page.textContent('[data-testid=kernels-variant]')).toBe('WebAssembly, relaxed simd');
    for (const kernels of ['wasm', 'js']) {
      if (kernels === 'js') await page.click('[data-testid=kernels] button:has-text("JS")');
      await page.waitForFunction(
        (k) => document.querySelector('[data-testid=kernels]')?.getAttribute('data-active') === k,
        kernels,
      );
      await page.click('[data-testid=play]');
      await page.waitForFunction(() =>
        /steps\/s/.test(document.querySelector('[data-testid=steps-per-second]')?.textContent ?? ''),
      );
      const text = (await page.textContent('[data-testid=steps-per-second]')) ?? '';
      expect(text).toMatch(/^[\d.]+k? steps\/s · [\d.]+k? epochs\/s$/);
      await page.click('[data-testid=pause]');
    }
    expect(page.url()).toContain('kernels=js');
  });

  it('adds and removes a hidden layer', async () => {
    await open();
    expect(await page.textContent('[data-testid=hidden-layers]')).toBe('2 hidden layers');
    expect(await page.$$('[data-testid^=node-2-]')).toHaveLength(0);
    await page.click('[data-testid=add-layer]');
    await page.waitForSelector('[data-testid=node-2-1]');
    expect(await page.textContent('[data-testid=hidden-layers]')).toBe('3 hidden layers');
    expect(await page.$$('[data-testid^=node-2-]')).toHaveLength(2);
    expect(page.url()).toContain('hidden=4%2C2%2C2');
    // The new layer is part of the network the worker trains: its links exist and carry weights.
    await page.waitForSelector('[data-testid=link-3-0-0]', { state: 'attached' });
    await page.click('[data-testid=remove-layer]');
    await page.waitForFunction(
      () => document.querySelector('[data-testid=hidden-layers]')?.textContent === '2 hidden layers',
    );
  });

  it('inspector: the chain-rule product equals the shown ∂J/∂w, and the finite difference agrees', async () => {
    await open();
    await page.click('[data-testid=step]');
    await page.hover('[data-testid=link-1-2-1]', { force: true });
    expect(await page.textContent('[data-testid=tooltip]')).toMatch(/^Weight -?\d\.\d{3}/);
    await page.click('[data-testid=link-1-2-1]', { force: true });
    await page.waitForSelector('[data-testid=inspector-gradient]');
    const product = await numberOf(page, 'inspector-product');
    const gradient = await numberOf(page, 'inspector-gradient');
    const fd = await numberOf(page, 'inspector-fd');
    expect(Number.isFinite(product) && product !== 0).toBe(true);
    expect(Math.abs(product - gradient)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(gradient)) + 2e-9);
    expect(Math.abs(fd - gradient)).toBeLessThanOrEqual(0.02 * Math.abs(gradient) + 1e-5);
    const rows = await page.$$('[data-testid=inspector] tbody tr');
    expect(rows.length).toBeGreaterThan(2);
    await page.screenshot({ path: `${SCREENSHOTS}inspector.png`, fullPage: true });
    // Editing the weight through the inspector changes the network.
    await page.fill('[data-testid=edit-value]', '1.5');
    await page.click('[data-testid=edit-apply]');
    await page.waitForFunction(
      () => (document.querySelector('[data-testid=edit-value]') as HTMLInputElement)?.value === '1.500',
    );
  });

  it('loads a shared URL and shows its configuration', async () => {
    await open('#dataset=xor&hidden=3&activation=relu&learningRate=0.1&features=x1%2Cx2%2Cx1x2&showTest=1');
    expect(await page.getAttribute('[data-testid=dataset-xor]', 'aria-pressed')).toBe('true');
    expect(await page.textContent('[data-testid=hidden-layers]')).toBe('1 hidden layer');
    expect(await page.$$('[data-testid^=node-0-]')).toHaveLength(3);
    expect(await page.$eval('[data-testid=activation]', (e) => (e as HTMLSelectElement).value)).toBe('relu');
    expect(await page.$eval('[data-testid=learning-rate]', (e) => (e as HTMLSelectElement).value)).toBe(
      '0.1',
    );
    expect(await page.getAttribute('[data-testid=feature-x1x2]', 'aria-pressed')).toBe('true');
    expect(await page.$eval('[data-testid=show-test]', (e) => (e as HTMLInputElement).checked)).toBe(true);
    expect(await page.$('[data-testid=notice]')).toBeNull();
    await page.screenshot({ path: `${SCREENSHOTS}shared-url.png`, fullPage: true });
  });

  it('a corrupted URL gives the defaults and a notice, not a blank page', async () => {
    await open('#dataset=moons&hidden=4%2Cbanana&learningRate=-3');
    expect(await page.textContent('[data-testid=notice]')).toMatch(/not valid.*showing the defaults/);
    expect(await page.getAttribute('[data-testid=dataset-circle]', 'aria-pressed')).toBe('true');
    expect(await page.textContent('[data-testid=hidden-layers]')).toBe('2 hidden layers');
    expect(await page.$eval('[data-testid=learning-rate]', (e) => (e as HTMLSelectElement).value)).toBe(
      '0.03',
    );
    await page.screenshot({ path: `${SCREENSHOTS}corrupted-url.png`, fullPage: true });
    await open('#%E0%A4%A');
    expect(await page.isVisible('[data-testid=play]')).toBe(true);
  });

  it('a bad CSV is refused with the line named', async () => {
    await open();
    await chooseFile('import-csv', 'points.csv', 'x1,x2,label\n1,2,1\n3,oops,0\n');
    await page.waitForSelector('[data-testid=notice]');
    expect(await page.textContent('[data-testid=notice]')).toContain(
      'points.csv: Line 3: x2 “oops” is not a number.',
    );
  });

  it('exports the trained model as core JSON and imports it back', async () => {
    await open('#hidden=5&speed=0');
    await page.click('[data-testid=play]');
    await page.waitForFunction(
      () => Number(document.querySelector('[data-testid=epoch]')?.textContent?.replace(/\D/g, '')) > 100,
    );
    await page.click('[data-testid=pause]');
    await page.waitForTimeout(200);
    const lossTrained = await numberOf(page, 'loss-train');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-testid=export-model]'),
    ]);
    const text = await (await import('node:fs/promises')).readFile((await download.path()) as string, 'utf8');
    const json = JSON.parse(text);
    expect(json.format).toBe('chainrule.sequential');
    expect(json.layers.map((l: { units: number }) => l.units)).toEqual([5, 1]);
    // A fresh network, then the import brings the trained weights and architecture back.
    await open('#hidden=2,2');
    expect(await numberOf(page, 'loss-train')).toBeGreaterThan(lossTrained + 0.1);
    await chooseFile('import-model', 'model.json', text);
    await page.waitForFunction(() =>
      document.querySelector('[data-testid=notice]')?.textContent?.includes('Model imported'),
    );
    expect(await page.textContent('[data-testid=hidden-layers]')).toBe('1 hidden layer');
    expect(Math.abs((await numberOf(page, 'loss-train')) - lossTrained)).toBeLessThan(1e-3);
    // And a broken file is refused with the reason.
    await chooseFile('import-model', 'bad.json', text.slice(0, 40));
    await page.waitForFunction(() =>
      /not valid JSON/.test(document.querySelector('[data-testid=notice]')?.textContent ?? ''),
    );
  });

  it('imports a model with ELU α = 0.7 and leaky ReLU α = 0.2, and keeps each α: headers, link, export', async () => {
    // Made by core alone: both hidden activations with an α other than the table's default.
    const made = mlp([2, 4, 3, 1], {
      loss: 'binaryCrossEntropy',
      activation: [
        { name: 'elu', alpha: 0.7 },
        { name: 'leakyRelu', alpha: 0.2 },
      ],
      seed: 5,
    });
    const text = JSON.stringify(made.toJSON());
    await open('#speed=0');
    await chooseFile('import-model', 'elu.json', text);
    await page.waitForFunction(() =>
      document.querySelector('[data-testid=notice]')?.textContent?.includes('Model imported'),
    );
    const shown = (l: number) =>
      page.$eval(
        `[data-testid=layer-activation-${l}]`,
        (s) => (s as HTMLSelectElement).selectedOptions[0]?.textContent,
      );
    expect(await shown(0)).toBe('ELU α=0.7');
    expect(await shown(1)).toBe('Leaky ReLU α=0.2');
    await page.screenshot({ path: `${SCREENSHOTS}import-alpha.png` });
    // The link carries them…
    await page.waitForFunction(() => location.hash.includes('alphas='));
    const hash = await page.evaluate(() => location.hash);
    expect(new URLSearchParams(hash.slice(1)).get('alphas')).toBe('0.7,0.2');
    // …and the exported model is the imported one, α and weights.
    const exported = async () => {
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.click('[data-testid=export-model]'),
      ]);
      const { readFile } = await import('node:fs/promises');
      return Sequential.fromJSON(await readFile((await download.path()) as string, 'utf8'));
    };
    const again = await exported();
    expect(again.layers.map((l) => l.activation)).toEqual(made.layers.map((l) => l.activation));
    expect(again.getWeights()).toEqual(made.getWeights());
    // Opened from the link alone, the network is rebuilt with the same activations (fresh weights).
    await open(hash);
    expect(await shown(0)).toBe('ELU α=0.7');
    const fromLink = await exported();
    expect(fromLink.layers.map((l) => l.activation)).toEqual(made.layers.map((l) => l.activation));
    for (const m of [made, again, fromLink]) m.dispose();
  });

  it('multi-class: softmax output with one heatmap per class', async () => {
    await open('#dataset=multi&output=softmax&loss=softmaxCrossEntropy&hidden=6&optimizer=adam&speed=0');
    await page.click('[data-testid=play]');
    await page.waitForFunction(
      () => Number(document.querySelector('[data-testid=epoch]')?.textContent?.replace(/\D/g, '')) > 50,
    );
    await page.click('[data-testid=pause]');
    await page.waitForSelector('[data-testid=class-heatmap-2]');
    expect(await numberOf(page, 'loss-train')).toBeLessThan(0.3);
    await page.screenshot({ path: `${SCREENSHOTS}multi-class.png`, fullPage: true });
  });

  it('lays out on a phone-sized screen without horizontal overflow of the page', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await open('#dataset=spiral');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    // The output plane is there, square, and fits the screen.
    const box = await page.locator('[data-testid=output-heatmap]').boundingBox();
    expect(box?.height).toBeGreaterThan(250);
    expect(Math.abs((box?.width ?? 0) - (box?.height ?? 0))).toBeLessThan(2);
    expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: `${SCREENSHOTS}phone.png`, fullPage: true });
    await page.setViewportSize({ width: 1400, height: 1000 });
  });

  it('dropout: a rate set under a hidden layer, and training still runs (epoch up, loss finite)', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await open('#speed=100');
    const lossBefore = await numberOf(page, 'loss-train');
    await page.selectOption('[data-testid=layer-dropout-0]', '0.3');
    await page.waitForFunction(() => location.hash.includes('dropout=0.3'));
    expect(await page.getAttribute('[data-testid=node-0-0]', 'class')).toContain('dropout');
    await page.click('[data-testid=play]');
    await page.waitForFunction(
      () => Number(document.querySelector('[data-testid=epoch]')?.textContent?.replace(/\D/g, '')) > 60,
    );
    // (a) The network with its dropout select at 0.3, while training.
    await page.screenshot({ path: `${SCREENSHOTS}dropout-training.png` });
    await page.click('[data-testid=pause]');
    await page.waitForTimeout(200);
    expect(await epochOf(page)).toBeGreaterThan(60);
    const loss = await numberOf(page, 'loss-train');
    expect(Number.isFinite(loss)).toBe(true);
    expect(loss).toBeLessThan(lossBefore);
    // The Dense layer after the Dropout: its links, its inspector (the chain sums to the gradient), its trace.
    // (Dispatched on the path itself: at its midpoint, another link may lie on top.)
    await page.dispatchEvent('[data-testid=link-1-2-1]', 'click');
    await page.waitForSelector('[data-testid=inspector-gradient]');
    const product = await numberOf(page, 'inspector-product');
    const gradient = await numberOf(page, 'inspector-gradient');
    expect(Math.abs(product - gradient)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(gradient)) + 2e-9);
    expect(await page.textContent('[data-testid=inspector] .target')).toBe(
      'w from unit 3 to unit 2 of layer 2',
    );
    // (b) The inspector open on that weight.
    await page.locator('[data-testid=inspector]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SCREENSHOTS}inspector-dropout.png` });
    // The step-through is the side panel's second tab.
    await page.click('[data-testid=tab-step]');
    await page.click('[data-testid=iterate]');
    await page.waitForSelector('[data-testid=stage-dropout]');
    expect(await page.textContent('[data-testid=stage-name]')).toMatch(/^Stage 1\/8: Forward, layer 1/);
    // The link keeps the rate.
    await open(`#${new URL(page.url()).hash.slice(1)}`);
    expect(await page.$eval('[data-testid=layer-dropout-0]', (e) => (e as HTMLSelectElement).value)).toBe(
      '0.3',
    );
    await page.setViewportSize({ width: 1400, height: 1000 });
  });

  it('inspector: a ReLU unit near its kink shrinks ε, and one at it is flagged not comparable', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    // Untrained, so unit 1's bias is 0: with w(x₂ → 1) = 0, every example's z is w(x₁ → 1)·x₁.
    await open('#activation=relu&hidden=4');
    await setParameter('link-0-1-0', '0');
    // z/x₁ = 5·10⁻⁴ for every example: all within ε = 10⁻³ of the kink along w, so ε becomes 2.5·10⁻⁴.
    await setParameter('link-0-0-0', '0.0005');
    await page.waitForSelector('[data-testid=inspector-kinks]');
    expect(await page.textContent('[data-testid=inspector-kinks]')).toBe(
      'A kink (ReLU at z = 0) lies within ε = 0.001 of 250 examples: ε reduced to 0.00025 to step clear of it.',
    );
    expect(await page.getAttribute('[data-testid=inspector-fd]', 'data-reliable')).toBe('true');
    const gradient = await numberOf(page, 'inspector-gradient');
    const fd = await numberOf(page, 'inspector-fd');
    expect(Math.abs(gradient)).toBeGreaterThan(1e-3);
    expect(Math.abs(fd - gradient)).toBeLessThanOrEqual(0.02 * Math.abs(gradient));
    await page.locator('[data-testid=inspector]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SCREENSHOTS}inspector-kink.png` });
    // w = 0: every z is 0, on the kink itself: no ε steps clear.
    await setParameter('link-0-0-0', '0');
    await page.waitForFunction(
      () => document.querySelector('[data-testid=inspector-fd]')?.getAttribute('data-reliable') === 'false',
    );
    expect(await page.textContent('[data-testid=inspector-kinks]')).toMatch(
      /cannot be compared with the gradient here\.$/,
    );
    await page.screenshot({ path: `${SCREENSHOTS}inspector-kink-unreliable.png` });
    await page.setViewportSize({ width: 1400, height: 1000 });
  });

  it('inspector: a step that moves a later layer’s z across 0 is named, layer and activation', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    // One ReLU unit per hidden layer (biases 0, untrained): z¹ = 0.1·x₁ and z² = ReLU(z¹) + b², once b² is set.
    await open('#activation=relu&hidden=1,1');
    await setParameter('link-0-1-0', '0');
    await setParameter('link-1-0-0', '1');
    await setParameter('link-0-0-0', '0.1');
    // An example with x₁ > 0.2 (its ∂z/∂w in the table, to 4 digits): b² = −0.0995·x₁ puts its z² at about
    // 5·10⁻⁴·x₁, half the reach of w(x₁ → 1) ± 10⁻³ (which moves z² by ±10⁻³·x₁) — whatever the digits not shown.
    const inputs = await page.$$eval('[data-testid=inspector] tbody tr:not(.more) td:nth-child(5)', (tds) =>
      tds.map((td) => Number(td.textContent)),
    );
    const x = inputs.find((v) => v > 0.2);
    if (x === undefined) throw new Error(`no example with x₁ > 0.2 among ${inputs.join(', ')}`);
    await setParameter('node-1-0', String(Number((-0.0995 * x).toPrecision(4))));
    await page.dispatchEvent('[data-testid=link-0-0-0]', 'click');
    await page.waitForFunction(() =>
      document.querySelector('[data-testid=inspector-kinks]')?.textContent?.includes('layer 2'),
    );
    expect(await page.textContent('[data-testid=inspector-kinks]')).toMatch(
      /[Tt]he first ε tried moved z in layer 2 \(ReLU\) across 0 for \d+ examples?: ε reduced to [\d.e-]+ to step clear of (it|them)\.$/,
    );
    expect(await page.getAttribute('[data-testid=inspector-fd]', 'data-reliable')).toBe('true');
    const gradient = await numberOf(page, 'inspector-gradient');
    const fd = await numberOf(page, 'inspector-fd');
    expect(Math.abs(fd - gradient)).toBeLessThanOrEqual(0.02 * Math.abs(gradient) + 2e-5);
    await page.locator('[data-testid=inspector]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SCREENSHOTS}inspector-later-kink.png` });
    await page.setViewportSize({ width: 1400, height: 1000 });
  });

  it('clicks add to a copy of a built-in dataset, undo takes one back, and the points survive a reload', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await open('#speed=0');
    await page.click('[data-testid=dataset-gauss]');
    expect(await page.textContent('[data-testid=point-count]')).toBe('500 points');
    const plane = page.locator('[data-testid=output-points]');
    await plane.click({ position: { x: 60, y: 60 } });
    await page.waitForFunction(
      () => document.querySelector('[data-testid=point-count]')?.textContent === '501 points (custom)',
    );
    await plane.click({ position: { x: 240, y: 80 }, modifiers: ['Shift'] });
    await page.waitForFunction(
      () => document.querySelector('[data-testid=point-count]')?.textContent === '502 points (custom)',
    );
    // Ctrl+Z takes the last point back; a third click puts one in its place.
    await page.keyboard.press('Control+z');
    await page.waitForFunction(
      () => document.querySelector('[data-testid=point-count]')?.textContent === '501 points (custom)',
    );
    await plane.click({ position: { x: 150, y: 250 }, modifiers: ['Shift'] });
    await page.waitForFunction(
      () => document.querySelector('[data-testid=point-count]')?.textContent === '502 points (custom)',
    );
    expect(await page.getAttribute('[data-testid=problem-binary]', 'aria-pressed')).toBe('true');
    const url = page.url();
    expect(url).toContain('dataset=custom');
    expect(url).toMatch(/points=[^&]{100,}/);

    // A reload: the same link, all 502 points, and ▶ trains on them.
    await page.reload();
    await page.waitForFunction(() => document.querySelector('[data-testid=loss-train]')?.textContent !== '—');
    expect(await page.textContent('[data-testid=point-count]')).toBe('502 points (custom)');
    expect(page.url()).toBe(url);
    expect(await page.$('[data-testid=notice]')).toBeNull();
    await page.screenshot({ path: `${SCREENSHOTS}custom-points-reloaded.png` });
    expect(await epochOf(page)).toBe(0);
    await page.click('[data-testid=play]');
    await page.waitForFunction(
      () => Number(document.querySelector('[data-testid=epoch]')?.textContent?.replace(/\D/g, '')) > 20,
    );
    await page.click('[data-testid=pause]');
    expect(Number.isFinite(await numberOf(page, 'loss-train'))).toBe(true);

    // One more point, and the Undo button removes it again.
    await plane.click({ position: { x: 200, y: 200 } });
    await page.waitForFunction(
      () => document.querySelector('[data-testid=point-count]')?.textContent === '503 points (custom)',
    );
    await page.click('[data-testid=undo]');
    await page.waitForFunction(
      () => document.querySelector('[data-testid=point-count]')?.textContent === '502 points (custom)',
    );
    // The link carries the same points as before the extra click.
    const pointsOf = (u: string) => new URLSearchParams(new URL(u).hash.slice(1)).get('points');
    await page.waitForFunction(
      (p) => new URLSearchParams(location.hash.slice(1)).get('points') === p,
      pointsOf(url),
    );
    expect(await page.isDisabled('[data-testid=undo]')).toBe(true);
    await page.setViewportSize({ width: 1400, height: 1000 });
  });

  it('a three-class export imports back as three classes, and a regression export as regression', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    for (const [dataset, problem, label] of [
      ['multi', 'multi', 'multi-class'],
      ['reg-gauss', 'regression', 'regression'],
    ] as const) {
      await open(
        `#dataset=${dataset}${dataset === 'multi' ? '&output=softmax&loss=softmaxCrossEntropy' : '&output=linear&loss=mse'}`,
      );
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.click('[data-testid=export-csv]'),
      ]);
      const text = await (await import('node:fs/promises')).readFile(
        (await download.path()) as string,
        'utf8',
      );
      expect(text.split('\n')[0]).toBe(`# problem: ${problem}`);
      // Import it twice: the second import is no different from the first.
      for (let i = 0; i < 2; i++) {
        await chooseFile('import-csv', 'points.csv', text);
        await page.waitForFunction(
          (l) =>
            document
              .querySelector('[data-testid=notice]')
              ?.textContent?.includes(`500 points from points.csv: ${l} (as the file says)`),
          label,
        );
        expect(await page.getAttribute(`[data-testid=problem-${problem}]`, 'aria-pressed')).toBe('true');
        expect(await page.textContent('[data-testid=point-count]')).toBe('500 points (custom)');
      }
      if (problem === 'multi') {
        await page.click('[data-testid=click-class-2]');
        await page.screenshot({ path: `${SCREENSHOTS}multi-class-custom.png` });
      }
    }
    await page.setViewportSize({ width: 1400, height: 1000 });
  });

  it('too many points for a link go to localStorage, with a notice, and survive a reload', async () => {
    await open();
    const rows = Array.from(
      { length: 1500 },
      (_, i) => `${((i * 7.31) % 12) - 6},${((i * 3.17) % 12) - 6},${(((i * 0.618) % 2) - 1).toFixed(6)}`,
    );
    await chooseFile('import-csv', 'big.csv', rows.join('\n'));
    await page.waitForFunction(() =>
      /regression \(detected from the labels\)\. 1500 points make the link [\d.]+ kB, over the 8 kB limit: they are kept in this browser’s storage/.test(
        document.querySelector('[data-testid=notice]')?.textContent ?? '',
      ),
    );
    expect(page.url()).toContain('points=stored');
    await page.reload();
    await page.waitForSelector('[data-testid=point-count]');
    expect(await page.textContent('[data-testid=point-count]')).toBe('1500 points (custom)');
    expect(await page.getAttribute('[data-testid=problem-regression]', 'aria-pressed')).toBe('true');
  });

  it('logged no page errors', () => {
    expect(errors).toEqual([]);
  });
});
