import * as core from '@actions/core';
import type { InputSource } from '../inputs.js';
import { INPUTS } from '../generated/action-spec.js';

const DEFAULTS = new Map(INPUTS.filter((i) => i.default !== undefined).map((i) => [i.name, i.default!]));

/** INPUT_* as the runner sets them; action.yml's defaults when the runner did not (e.g. a local run). */
export const actionInputSource: InputSource = {
  get(name) {
    const value = core.getInput(name, { trimWhitespace: false });
    return value !== '' ? value : (DEFAULTS.get(name) ?? '');
  },
  label: (name) => `input \`${name}\``
};
