import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('loadConfig OTEL_EXPORTER_OTLP_*', () => {
  it('leaves tracing off when no endpoint is set, whatever the service name', () => {
    expect(loadConfig({}).tracing).toBeUndefined();
    expect(loadConfig({ OTEL_SERVICE_NAME: 'ci' }).tracing).toBeUndefined();
  });

  it('appends v1/traces to the base endpoint, with or without a trailing slash or a path', () => {
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).tracing).toEqual({ tracesUrl: 'http://collector:4318/v1/traces', serviceName: 'slipway' });
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otel.example/otlp/' }).tracing?.tracesUrl).toBe('https://otel.example/otlp/v1/traces');
  });

  it('uses the traces endpoint as is, ahead of the base endpoint, and the service name given', () => {
    const config = loadConfig({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://traces:9999/custom',
      OTEL_SERVICE_NAME: 'slipway-eu',
    });
    expect(config.tracing).toEqual({ tracesUrl: 'http://traces:9999/custom', serviceName: 'slipway-eu' });
  });

  it('refuses a malformed or non-http endpoint, naming the variable', () => {
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toThrow(
      /OTEL_EXPORTER_OTLP_ENDPOINT: expected an http:\/\/ or https:\/\/ URL, e\.g\. http:\/\/localhost:4318/,
    );
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'grpc://collector:4317' })).toThrow(/OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: expected an http/);
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://' })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT/);
  });
});
