import { describe, expect, it } from 'vitest';
import { TaskLogs } from '../../../src/local/dashboard/task-logs.js';
import { taskDisplayState } from '../../../src/local/dashboard/task-state.js';

describe('taskDisplayState: the word a task box is coloured by', () => {
  it.each([
    ['PROVISIONING', 'RUNNING', 'UNKNOWN', [], 'provisioning'],
    ['PENDING', 'RUNNING', 'UNKNOWN', [], 'pending'],
    ['ACTIVATING', 'RUNNING', 'UNKNOWN', [], 'pending'],
    ['RUNNING', 'RUNNING', 'UNKNOWN', [], 'running'],
    ['RUNNING', 'RUNNING', 'UNKNOWN', ['initial'], 'running'],
    ['RUNNING', 'RUNNING', 'HEALTHY', [], 'healthy'],
    ['RUNNING', 'RUNNING', 'UNKNOWN', ['healthy'], 'healthy'],
    ['RUNNING', 'RUNNING', 'HEALTHY', ['unhealthy'], 'unhealthy'],
    ['RUNNING', 'RUNNING', 'UNHEALTHY', [], 'unhealthy'],
    ['RUNNING', 'STOPPED', 'HEALTHY', ['draining'], 'draining'],
    ['RUNNING', 'STOPPED', 'HEALTHY', [], 'stopping'],
    ['DEACTIVATING', 'STOPPED', 'HEALTHY', [], 'draining'],
    ['STOPPING', 'STOPPED', 'UNKNOWN', [], 'stopping'],
    ['DEPROVISIONING', 'STOPPED', 'UNKNOWN', [], 'stopping'],
    ['STOPPED', 'STOPPED', 'UNKNOWN', [], 'stopped'],
  ])(
    '%s (desired %s, health %s, targets %j) is %s',
    (lastStatus, desiredStatus, healthStatus, targets, want) => {
      expect(taskDisplayState({ lastStatus, desiredStatus, healthStatus }, targets)).toBe(want);
    },
  );
});

describe('TaskLogs: recent lines per task, bounded', () => {
  const line = (taskId: string, text: string, timeMs = 0) => ({
    taskId,
    timeMs,
    service: 'web',
    container: 'web',
    stream: 'stdout' as const,
    line: text,
  });

  it('keeps the newest linesPerTask lines of a task and searches them case-insensitively', () => {
    const logs = new TaskLogs({ linesPerTask: 3 });
    for (const text of ['GET /a', 'GET /b', 'error: x', 'GET /c']) logs.add(line('t1', text));
    expect(logs.lines('t1').map((l) => l.line)).toEqual(['GET /b', 'error: x', 'GET /c']);
    expect(logs.lines('t1', { query: 'ERROR' }).map((l) => l.line)).toEqual(['error: x']);
    expect(logs.lines('t2')).toEqual([]);
  });

  it('drops the task heard from least recently beyond its task limit', () => {
    const logs = new TaskLogs({ tasks: 2 });
    logs.add(line('t1', 'a'));
    logs.add(line('t2', 'b'));
    logs.add(line('t1', 'c'));
    logs.add(line('t3', 'd'));
    expect(logs.lines('t2')).toEqual([]);
    expect(logs.lines('t1').map((l) => l.line)).toEqual(['a', 'c']);
  });

  it('gives the lines around a moment, and tells followers of new lines until they stop', () => {
    const logs = new TaskLogs();
    for (let i = 0; i < 10; i++) logs.add(line('t1', `line ${i}`, i * 100));
    expect(logs.around('t1', 500, 2, 2).map((l) => l.line)).toEqual(['line 3', 'line 4', 'line 5', 'line 6']);
    const heard: string[] = [];
    const stop = logs.follow('t1', (l) => heard.push(l.line));
    logs.add(line('t1', 'new'));
    logs.add(line('t2', 'other task'));
    stop();
    logs.add(line('t1', 'after'));
    expect(heard).toEqual(['new']);
  });

  it('cuts lines longer than maxLineLength', () => {
    const logs = new TaskLogs({ maxLineLength: 4 });
    logs.add(line('t1', 'abcdefgh'));
    expect(logs.lines('t1')[0]?.line).toBe('abcd…');
  });
});
