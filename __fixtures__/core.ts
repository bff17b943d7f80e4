/** Typed jest mocks of the @actions/core functions the action uses (the official template's pattern). */
import { jest } from '@jest/globals';
import type * as core from '@actions/core';

export const getInput = jest.fn<typeof core.getInput>();
export const setOutput = jest.fn<typeof core.setOutput>();
export const setFailed = jest.fn<typeof core.setFailed>();
export const setSecret = jest.fn<typeof core.setSecret>();
export const saveState = jest.fn<typeof core.saveState>();
export const getState = jest.fn<typeof core.getState>();
export const info = jest.fn<typeof core.info>();
export const notice = jest.fn<typeof core.notice>();
export const warning = jest.fn<typeof core.warning>();
export const error = jest.fn<typeof core.error>();
export const startGroup = jest.fn<typeof core.startGroup>();
export const endGroup = jest.fn<typeof core.endGroup>();
interface SummaryMock {
  addRaw: (text: string, addEOL?: boolean) => SummaryMock;
  write: () => Promise<SummaryMock>;
}
export const summary: SummaryMock = {
  addRaw: jest.fn<SummaryMock['addRaw']>(() => summary),
  write: jest.fn<SummaryMock['write']>(async () => summary)
};
