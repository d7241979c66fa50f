import { Clock, MAX_CLOCK_OFFSET_MS } from './clock';
import { ClockController } from './clock.controller';

describe('the controllable clock', () => {
  const env = process.env.NODE_ENV;
  afterEach(() => {
    process.env.NODE_ENV = env;
  });

  it('is the system time plus the offset', () => {
    const clock = new Clock();
    const before = Date.now();
    clock.setOffset(86_400_000);
    expect(clock.now().getTime()).toBeGreaterThanOrEqual(before + 86_400_000);
    expect(() => clock.setOffset(MAX_CLOCK_OFFSET_MS + 1)).toThrow(RangeError);
    expect(() => clock.setOffset(1.5)).toThrow(RangeError);
  });

  it('tells its schedules when it moves', () => {
    const clock = new Clock();
    const seen: number[] = [];
    clock.onChange(() => seen.push(clock.offset));
    clock.setOffset(42);
    expect(seen).toEqual([42]);
  });

  it.each(['development', 'test'])('can be moved through the internal route in %s', (nodeEnv) => {
    process.env.NODE_ENV = nodeEnv;
    const clock = new Clock();
    expect(new ClockController(clock).set({ offsetMs: 5000 })).toMatchObject({ offsetMs: 5000 });
    expect(clock.offset).toBe(5000);
  });

  it('answers 404 in production, as if the route did not exist, and stays at the real time', () => {
    process.env.NODE_ENV = 'production';
    const clock = new Clock();
    const controller = new ClockController(clock);
    expect(() => controller.set({ offsetMs: 5000 })).toThrow(expect.objectContaining({ status: 404 }));
    expect(() => controller.get()).toThrow(expect.objectContaining({ status: 404 }));
    expect(clock.offset).toBe(0);
  });
});
