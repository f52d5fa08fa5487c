/**
 * Container images in the progress view: the toolkit messages recorded from real deploys
 * (test/fixtures/deploy/image-asset-messages.json) replayed through the image tracker into the
 * model, drawn by the live, log and JSON renderers, and in the failure summary.
 */

import { describe, expect, it } from 'vitest';
import {
  DeployProgressModel,
  type JsonImage,
  type JsonProgressRecord,
  JsonRenderer,
  LiveRenderer,
  LogRenderer,
  renderSummary,
  renderViewText,
} from '../../../src/deploy/progress/index.js';
import { RECORDED, type RecordedEntry, replayImageRun } from '../../support/image-asset-recording.js';

const START = Date.UTC(2026, 2, 2, 12, 0, 0);
/** The recorded messages carry no times: each entry is taken to arrive 100 ms after the one before. */
const STEP_MS = 100;

/** A model on a fake clock, fed with a recorded run; `write` collects what a renderer wrote. */
function replayInto(
  entries: readonly RecordedEntry[],
  attach: (model: DeployProgressModel, out: Output) => void,
) {
  let time = START;
  const model = new DeployProgressModel({ now: () => time });
  const out: Output = {
    text: '',
    write: (s) => {
      out.text += s;
    },
  };
  attach(model, out);
  const result = replayImageRun(entries, {
    onUpdate: (update) => model.image(update),
    onEntry: () => {
      time += STEP_MS;
    },
  });
  return { model, out, ...result };
}

interface Output {
  text: string;
  write(s: string): void;
}

/** A duration as the view prints it: `4s`, `1m02s`. */
const T = String.raw`(?:\d+s|\d+m\d\ds)`;

const URI = /127\.0\.0\.1:\d+\/cdk-hnb659fds-container-assets-123456789012-us-east-1:77ee9a7991386b50/;

describe('DeployProgressModel: one row per container image', () => {
  it('keeps the image’s stage, URI and time, and counts only a new stage as a change', () => {
    let time = START;
    const model = new DeployProgressModel({ now: () => time });
    const changes: number[] = [];
    model.subscribe((update) => changes.push(update.changes.length));
    model.image({ assetId: 'a1', name: 'Api/Image', stage: 'waiting' });
    time += 1000;
    model.image({ assetId: 'a1', name: 'Api/Image', stage: 'building' });
    time += 2000;
    model.image({ assetId: 'a1', name: 'Api/Image', stage: 'building', detail: 'Step 1/2 : FROM base' });
    expect(model.view().images).toEqual([
      {
        assetId: 'a1',
        name: 'Api/Image',
        stage: 'building',
        detail: 'Step 1/2 : FROM base',
        severity: 'progress',
        elapsedMs: 2000,
      },
    ]);
    time += 1000;
    model.image({ assetId: 'a1', name: 'Api/Image', stage: 'pushed', imageUri: 'r/x:a1' });
    time += 5000;
    // A new stage drops the old stage's output line; the clock stops at the last stage.
    expect(model.view().images).toEqual([
      {
        assetId: 'a1',
        name: 'Api/Image',
        stage: 'pushed',
        imageUri: 'r/x:a1',
        severity: 'complete',
        elapsedMs: 3000,
      },
    ]);
    expect(changes).toEqual([1, 1, 0, 1]);
  });
});

describe('LiveRenderer: container images above the stacks', () => {
  it('shows the image building with Docker’s latest line, then pushed with its repository and tag', () => {
    const frames: string[] = [];
    const { model } = replayInto(RECORDED.success, (m, out) => {
      m.subscribe(() => {
        const text = renderViewText(m.view(), { columns: 200 });
        if (frames.at(-1) !== text) frames.push(text);
      });
      new LiveRenderer(m, { ...out, isTTY: true, columns: 200 }, { color: false });
    });
    const building = frames.find((frame) => frame.includes('COPY index.html'));
    expect(building?.split('\n')).toEqual([
      'Container images  0/1 in the registry',
      expect.stringMatching(
        new RegExp(
          `^ {2}⠋ Image {2}building {2}${T} {2}127\\.0\\.0\\.1:\\d+/cdk-hnb659fds-container-assets-123456789012-us-east-1:77ee9a799138…$`,
        ),
      ),
      '      │ Step 2/3 : COPY index.html /www/index.html',
      '',
    ]);
    const pushing = frames.find((frame) => frame.includes(': Pushed'));
    expect(pushing).toMatch(/⠋ Image {2}pushing {2}/);
    const last = renderViewText(model.view(), { columns: 200 }).split('\n');
    expect(last[0]).toBe('Container images  1/1 in the registry');
    expect(last[1]).toMatch(
      new RegExp(`^ {2}✔ Image {2}pushed {2}${T} {2}127\\.0\\.0\\.1:\\d+/cdk-hnb659fds-`),
    );
    expect(last).toHaveLength(3);
  });

  it('shows a refused push in red with Docker’s message under the row', () => {
    let live: LiveRenderer | undefined;
    const { model, out } = replayInto(RECORDED.failure, (m, o) => {
      live = new LiveRenderer(m, { ...o, isTTY: true, columns: 120 }, { color: true });
    });
    live?.stop(); // draws the last frame
    const lines = renderViewText(model.view(), { columns: 120 }).split('\n');
    expect(lines[1]).toMatch(/^ {2}✗ Image {2}failed {2}/);
    expect(lines[2]).toMatch(/^ {6}↳ docker push 127\.0\.0\.1:\d+\/cdk-hnb659fds/);
    expect(lines.join(' ')).toContain('Method not allowed');
    // The coloured frame marks the failure red (SGR 31).
    expect(out.text).toContain('\u001b[31m✗\u001b[0m');
  });

  it('shows an unchanged image as already pushed, without building it', () => {
    const { model } = replayInto(RECORDED.unchanged, () => {});
    expect(renderViewText(model.view()).split('\n')[1]).toMatch(
      /^ {2}✔ Image {2}unchanged \(already pushed\) {2}127\.0\.0\.1:\d+\//,
    );
  });
});

describe('LogRenderer: one line per image stage', () => {
  it('logs each stage once, the URI once it is known and the time at the end, and none of Docker’s lines', () => {
    const { out } = replayInto(RECORDED.success, (m, o) => {
      new LogRenderer(m, { ...o, isTTY: false }, { timeZone: 'utc' });
    });
    const lines = out.text.split('\n').slice(0, -1);
    const normalized = lines.map((line) =>
      line.replace(/127\.0\.0\.1:\d+/, 'REGISTRY').replace(new RegExp(`\\(${T}\\)`), '(T)'),
    );
    expect(normalized).toEqual([
      '12:00:00  image Image  waiting',
      expect.stringMatching(/^12:00:\d\d {2}image Image {2}building$/),
      expect.stringMatching(/^12:00:\d\d {2}image Image {2}built$/),
      expect.stringMatching(
        /^12:00:\d\d {2}image Image {2}pushing {2}REGISTRY\/cdk-hnb659fds-container-assets-123456789012-us-east-1:77ee9a\w{58}$/,
      ),
      expect.stringMatching(
        /^12:00:\d\d {2}image Image {2}pushed {2}\(T\) {2}REGISTRY\/cdk-hnb659fds-container-assets-123456789012-us-east-1:77ee9a\w{58}$/,
      ),
    ]);
    expect(out.text).not.toContain('Step 2/3');
  });

  it('logs a failed push with Docker’s message on the line', () => {
    const { out } = replayInto(RECORDED.failure, (m, o) => {
      new LogRenderer(m, { ...o, isTTY: false }, { timeZone: 'utc' });
    });
    expect(out.text.split('\n').at(-2)).toMatch(
      new RegExp(
        `^12:00:\\d\\d {2}image Image {2}failed {2}\\(${T}\\) {2}docker push 127\\.0\\.0\\.1:\\d+/\\S+ exited with error code 1: .*Method not allowed`,
      ),
    );
  });
});

describe('JsonRenderer: one record per image stage', () => {
  it('writes a record for each new stage with the URI, and none for Docker’s output lines', () => {
    const { out, updates } = replayInto(RECORDED.success, (m, o) => {
      new JsonRenderer(m, o);
    });
    const records = out.text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as JsonProgressRecord);
    expect(updates.length).toBeGreaterThan(records.length);
    expect(records.every((r) => r.type === 'image')).toBe(true);
    const images = records as JsonImage[];
    expect(images.map((r) => r.stage)).toEqual(['waiting', 'building', 'built', 'pushing', 'pushed']);
    expect(images.at(-1)).toEqual({
      type: 'image',
      time: expect.stringMatching(/^2026-03-02T12:00:\d\d\.\d{3}Z$/),
      assetId: '77ee9a7991386b503e2d56e3a294594afba8cf3ae4a9f2bc4af523106484fe05',
      name: 'Image',
      stage: 'pushed',
      imageUri: expect.stringMatching(URI),
      detail: null,
      elapsedMs: expect.any(Number),
    });
  });
});

describe('renderSummary: the images of a failed deploy', () => {
  it('says where each image got to', () => {
    const { model } = replayInto(RECORDED.failure, () => {});
    expect(renderSummary(model)).toBe('Container images: Image failed.\n');
  });
});
