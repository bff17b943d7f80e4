/**
 * Listener and rule actions: validated and normalised from the request (strings from
 * the query protocol) into one canonical shape, and rendered back like AWS does
 * (a forward to a single target group carries both TargetGroupArn and ForwardConfig).
 */
import { ApiError } from '../types.js';
import { list, optBoolean, optNumber } from '../util.js';
import { checkArn } from './arns.js';
import type { ElbState, StoredAction, WeightedGroup } from './model.js';

const ACTION_TYPES = ['forward', 'fixed-response', 'redirect', 'authenticate-oidc', 'authenticate-cognito'];
const MAX_GROUPS_PER_ACTION = 5;

export function normaliseActions(state: ElbState, raw: unknown, member: string): StoredAction[] {
  const actions = list<Record<string, any>>(raw);
  if (!actions.length) throw new ApiError('ValidationError', `At least one action must be specified in '${member}'`);
  return actions.map((a, i) => normaliseAction(state, a, `${member}.${i + 1}.member`));
}

function normaliseAction(state: ElbState, a: Record<string, any>, member: string): StoredAction {
  const type = String(a.Type ?? '');
  if (!ACTION_TYPES.includes(type)) {
    throw new ApiError(
      'ValidationError',
      `1 validation error detected: Value '${type}' at '${member}.type' failed to satisfy constraint: Member must satisfy enum value set: [${ACTION_TYPES.join(', ')}]`
    );
  }
  const order = optNumber(a.Order, `${member}.order`);
  const base: StoredAction = { Type: type, ...(order !== undefined ? { Order: order } : {}) };
  if (type === 'fixed-response') {
    const cfg = (a.FixedResponseConfig ?? {}) as Record<string, string>;
    if (!/^[245]\d\d$/.test(String(cfg.StatusCode ?? ''))) {
      throw new ApiError('ValidationError', `A fixed-response action requires a StatusCode of the form 2XX, 4XX or 5XX`);
    }
    return { ...base, FixedResponseConfig: { StatusCode: cfg.StatusCode, ContentType: cfg.ContentType, MessageBody: cfg.MessageBody } };
  }
  if (type === 'redirect') return { ...base, RedirectConfig: a.RedirectConfig ?? {} };
  if (type !== 'forward') return { ...base, ...a, Type: type };

  const single = a.TargetGroupArn ? String(a.TargetGroupArn) : undefined;
  const cfg = (a.ForwardConfig ?? {}) as Record<string, any>;
  let groups: WeightedGroup[] = list<Record<string, any>>(cfg.TargetGroups).map((g, i) => {
    const weight = optNumber(g.Weight, `${member}.forwardConfig.targetGroups.${i + 1}.member.weight`) ?? 1;
    if (!Number.isInteger(weight) || weight < 0 || weight > 999) {
      throw new ApiError(
        'ValidationError',
        `1 validation error detected: Value '${weight}' at '${member}.forwardConfig.targetGroups.${i + 1}.member.weight' failed to satisfy constraint: Member must have value ${weight < 0 ? 'greater than or equal to 0' : 'less than or equal to 999'}`
      );
    }
    return { TargetGroupArn: String(g.TargetGroupArn ?? ''), Weight: weight };
  });
  if (single && groups.length) {
    if (groups.length > 1 || groups[0].TargetGroupArn !== single) {
      throw new ApiError(
        'ValidationError',
        'You cannot specify both a target group ARN and a forward config with a different or more than one target group'
      );
    }
  }
  if (!groups.length) {
    if (!single) throw new ApiError('ValidationError', 'A target group ARN must be specified for a forward action');
    groups = [{ TargetGroupArn: single, Weight: 1 }];
  }
  if (groups.length > MAX_GROUPS_PER_ACTION) {
    throw new ApiError(
      'ValidationError',
      `1 validation error detected: Value at '${member}.forwardConfig.targetGroups' failed to satisfy constraint: Member must have length less than or equal to ${MAX_GROUPS_PER_ACTION}`
    );
  }
  if (new Set(groups.map((g) => g.TargetGroupArn)).size !== groups.length) {
    throw new ApiError('ValidationError', 'A target group ARN can be specified only once in a forward action');
  }
  for (const g of groups) {
    checkArn(state.arnPrefix(), 'target group', g.TargetGroupArn);
    if (!state.targetGroups.has(g.TargetGroupArn))
      throw new ApiError('TargetGroupNotFound', `Target group '${g.TargetGroupArn}' not found`);
  }
  const sticky = (cfg.TargetGroupStickinessConfig ?? {}) as Record<string, unknown>;
  const enabled = optBoolean(sticky.Enabled) ?? false;
  const duration = optNumber(sticky.DurationSeconds, `${member}.forwardConfig.targetGroupStickinessConfig.durationSeconds`);
  if (enabled && (duration === undefined || duration < 1 || duration > 604800)) {
    throw new ApiError('ValidationError', 'Target group stickiness duration must be between 1 and 604800 seconds');
  }
  return {
    ...base,
    ForwardConfig: {
      TargetGroups: groups,
      TargetGroupStickinessConfig: { Enabled: enabled, ...(duration !== undefined ? { DurationSeconds: duration } : {}) }
    }
  };
}

/** A target group may serve only one load balancer. */
export function checkAssociation(state: ElbState, loadBalancerArn: string, actions: StoredAction[]): void {
  const conflicting: string[] = [];
  for (const g of stateGroups(actions)) {
    const others = state.loadBalancersOf(g).filter((lb) => lb !== loadBalancerArn);
    if (others.length) conflicting.push(g);
  }
  if (conflicting.length) {
    throw new ApiError(
      'TargetGroupAssociationLimit',
      `The following target groups cannot be associated with more than one load balancer: ${conflicting.join(', ')}`
    );
  }
}

function stateGroups(actions: StoredAction[]): string[] {
  return actions.flatMap((a) => (a.Type === 'forward' ? (a.ForwardConfig?.TargetGroups ?? []).map((g) => g.TargetGroupArn) : []));
}

export function renderActions(actions: StoredAction[]): Record<string, unknown>[] {
  return actions.map((a) => {
    if (a.Type !== 'forward' || !a.ForwardConfig) return { ...a };
    const groups = a.ForwardConfig.TargetGroups;
    return {
      Type: a.Type,
      ...(groups.length === 1 ? { TargetGroupArn: groups[0].TargetGroupArn } : {}),
      ...(a.Order !== undefined ? { Order: a.Order } : {}),
      ForwardConfig: {
        TargetGroups: groups.map((g) => ({ TargetGroupArn: g.TargetGroupArn, Weight: g.Weight })),
        TargetGroupStickinessConfig: { ...a.ForwardConfig.TargetGroupStickinessConfig }
      }
    };
  });
}
