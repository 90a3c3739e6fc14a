// The wallet: any extension that injects itself the standard way (`window.injectedWeb3`: the
// polkadot.js extension, Talisman, SubWallet), through @polkadot/extension-dapp. The page never
// holds a secret: it asks the extension for accounts and for signatures, and the user approves
// each in the extension.
import { web3Accounts, web3Enable, web3FromSource } from '@polkadot/extension-dapp';
import { fill, h, say } from './dom.mjs';

/** The name the extension shows when it asks the user to allow this page. */
export const APP_NAME = 'Registry console';

/** The connected wallet's accounts, the chosen one, and its signer; renders itself into `root`. */
export class Wallet {
  /**
   * @param {HTMLElement} root where the button, then the account chooser, go
   * @param {() => void} onChange called when the chosen account changes
   */
  constructor(root, onChange) {
    this.root = root;
    this.onChange = onChange;
    /** @type {{ address: string, meta: { name?: string, source: string }, type?: string }[]} */
    this.accounts = [];
    this.address = null;
    root.querySelector('#wallet-connect')?.addEventListener('click', () => this.connect());
  }

  /** Asks every injected extension for access, then lists their accounts. */
  async connect() {
    let extensions;
    try {
      extensions = await web3Enable(APP_NAME);
    } catch (error) {
      say(`the wallet could not be reached: ${error.message}`);
      return;
    }
    if (extensions.length === 0) {
      say('no wallet extension answered: install one (the polkadot.js extension, Talisman or SubWallet), allow this '
        + 'page in it, and connect again.');
      return;
    }
    this.accounts = await web3Accounts();
    if (this.accounts.length === 0) {
      say(`${extensions.map((e) => e.name).join(', ')} has no account this page may see: add or allow one in the wallet.`);
      return;
    }
    this.address = this.accounts[0].address;
    this.render();
    this.onChange();
  }

  render() {
    const select = h('select', { id: 'account', 'aria-label': 'Account' }, this.accounts.map((a) => h('option', {
      value: a.address, selected: a.address === this.address,
    }, `${a.meta.name ?? 'account'} (${a.meta.source}) ${a.address.slice(0, 6)}…${a.address.slice(-6)}`)));
    select.addEventListener('change', () => { this.address = select.value; this.onChange(); });
    fill(this.root, select);
  }

  /** The chosen account, or null before a wallet is connected. */
  get account() {
    return this.accounts.find((a) => a.address === this.address) ?? null;
  }

  /**
   * The chosen account and its extension's signer, as the client's `send` takes them.
   * @returns {Promise<{ address: string, signer: any, type: string }>}
   * @throws {Error} when no account is chosen
   */
  async signer() {
    const account = this.account;
    if (!account) throw new Error('connect a wallet and choose an account first (the button at the top right)');
    const injector = await web3FromSource(account.meta.source);
    return { address: account.address, signer: injector.signer, type: account.type ?? 'sr25519' };
  }
}
