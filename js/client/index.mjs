// @registration/client: a JavaScript client of the registration pallet, on @polkadot/api.
// Every export of the package's modules, in one place; README.md lists them.
export * from './connect.mjs';
export * from './keys.mjs';
export * from './registration.mjs';
export * from './consent.mjs';
export * from './discovery.mjs';
export * from './general.mjs';
export * from './views.mjs';
export * from './errors.mjs';
