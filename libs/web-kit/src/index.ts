export * from './api-client';
export * from './html';
export * from './server';
export * from './style';
