// Preloaded into chopsticks (`node --require`) by `startChain`: chopsticks 1.5.1's transaction
// pool files each transaction under its signer, which it reads with polkadot.js'
// `GenericExtrinsic.signer`, and that getter throws for a general transaction (extrinsic version
// 5, no signer), so `author_submit*Extrinsic` answered `1011: … GeneralExtrinsic does not have
// signer implemented` after the runtime had validated it. Here a general transaction's signer is
// the empty string: it is filed under no account, and everything else is unchanged (the runtime
// still validates it, builds it into a block and runs it).
const { GenericExtrinsic } = require('@polkadot/types');

const base = Object.getPrototypeOf(GenericExtrinsic.prototype);
const signer = Object.getOwnPropertyDescriptor(base, 'signer');
if (!signer || typeof signer.get !== 'function' || typeof base.isGeneral !== 'function') {
  throw new Error('chopsticks-general.cjs: @polkadot/types changed: GenericExtrinsic has no signer getter or isGeneral');
}
Object.defineProperty(base, 'signer', {
  ...signer,
  get() {
    return this.isGeneral() ? '' : signer.get.call(this);
  },
});
