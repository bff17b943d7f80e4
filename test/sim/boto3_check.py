"""The local ECS as boto3 sees it: a client nobody here wrote, with botocore's own service models.

Usage: python3 test/sim/boto3_check.py http://127.0.0.1:PORT   (a seeded sim on a frozen clock)

Drives DescribeAlarms paging, ELBv2 DescribeTargetGroups / DescribeListeners paging, ELBv2's
ValidationError for ARNs it will not accept, ECS's InvalidParameterException for a target group
without a load balancer, ListTasks / ListServices paging and `unused` target health, through
boto3 and its paginators. Every successful answer's raw body is also checked against the
operation's output shape in botocore's model (no member the model lacks, every required member,
enums, scalar types), for both JSON and query/XML protocols. Exits 1 on any mismatch.
"""
import json
import sys
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

import boto3
import botocore
from botocore.config import Config
from botocore.exceptions import ClientError

URL = sys.argv[1] if len(sys.argv) > 1 else ''
HOST = urllib.parse.urlparse(URL).hostname
if HOST not in ('127.0.0.1', 'localhost'):
    sys.exit(f'refusing to run against {URL!r}: only a local ECS (127.0.0.1) is allowed')

failures = []
checks = 0


def check(label, ok, detail=''):
    global checks
    checks += 1
    if ok:
        print(f'ok    {label}')
    else:
        failures.append(label)
        print(f'FAIL  {label}: {detail}')


def expect_error(label, call, code, message=None):
    try:
        call()
    except ClientError as error:
        got = error.response['Error']
        ok = got.get('Code') == code and (message is None or got.get('Message') == message)
        check(label, ok, f'got {got.get("Code")}: {got.get("Message")!r}, expected {code}: {message!r}')
        return
    check(label, False, f'succeeded, expected {code}')


# ---- every answer against the model -------------------------------------------------

# Members AWS added after Debian's botocore (1.29, Dec 2022) was cut: an older model does not
# know them, and old clients ignore them, as they ignore any member added later.
NEWER_THAN_OLD_MODELS = {
    ('MetricAlarm', 'StateTransitionedTimestamp'),
    # ECS's service deployments and revisions (Oct 2024) and native blue/green, linear and canary (2025).
    ('Service', 'currentServiceDeployment'), ('Service', 'currentServiceRevisions'),
    ('DeploymentConfiguration', 'strategy'), ('DeploymentConfiguration', 'bakeTimeInMinutes'),
    ('DeploymentConfiguration', 'lifecycleHooks'), ('DeploymentConfiguration', 'linearConfiguration'),
    ('DeploymentConfiguration', 'canaryConfiguration'), ('LoadBalancer', 'advancedConfiguration'),
}

SCALARS = {
    'string': str, 'integer': int, 'long': int, 'boolean': bool, 'double': (int, float), 'float': (int, float),
    'timestamp': (int, float, str),
}


def check_json(shape, value, path, problems):
    kind = shape.type_name
    if kind == 'structure':
        if not isinstance(value, dict):
            return problems.append(f'{path}: expected an object, got {type(value).__name__}')
        members = shape.members
        for key, item in value.items():
            if key not in members:
                if (shape.name, key) not in NEWER_THAN_OLD_MODELS:
                    problems.append(f'{path}.{key}: not a member of {shape.name}')
            elif item is not None:
                check_json(members[key], item, f'{path}.{key}', problems)
        for key in shape.required_members:
            if key not in value:
                problems.append(f'{path}.{key}: required by {shape.name} but missing')
    elif kind == 'list':
        if not isinstance(value, list):
            return problems.append(f'{path}: expected a list')
        for i, item in enumerate(value):
            check_json(shape.member, item, f'{path}[{i}]', problems)
    elif kind == 'map':
        if not isinstance(value, dict):
            return problems.append(f'{path}: expected a map')
        for key, item in value.items():
            check_json(shape.value, item, f'{path}.{key}', problems)
    else:
        expected = SCALARS.get(kind, object)
        if isinstance(value, bool) and kind not in ('boolean',):
            return problems.append(f'{path}: a boolean where the model has {kind}')
        if not isinstance(value, expected):
            return problems.append(f'{path}: {value!r} is not a {kind}')
        if kind == 'string' and shape.enum and value not in shape.enum:
            problems.append(f'{path}: {value!r} is not one of {shape.enum}')


def local(tag):
    return tag.rsplit('}', 1)[-1]


def check_xml(shape, element, path, problems):
    kind = shape.type_name
    if kind == 'structure':
        by_name = {m.serialization.get('name', name): name for name, m in shape.members.items()}
        seen = set()
        for child in element:
            tag = local(child.tag)
            if tag not in by_name:
                if (shape.name, tag) not in NEWER_THAN_OLD_MODELS:
                    problems.append(f'{path}.{tag}: not a member of {shape.name}')
                continue
            seen.add(by_name[tag])
            check_xml(shape.members[by_name[tag]], child, f'{path}.{tag}', problems)
        for key in shape.required_members:
            if key not in seen:
                problems.append(f'{path}.{key}: required by {shape.name} but missing')
    elif kind == 'list':
        name = shape.member.serialization.get('name', 'member')
        for i, child in enumerate(element):
            if local(child.tag) != name:
                problems.append(f'{path}: list item <{local(child.tag)}>, expected <{name}>')
            check_xml(shape.member, child, f'{path}[{i}]', problems)
    elif kind == 'map':
        for i, entry in enumerate(element):
            value = next((c for c in entry if local(c.tag) == shape.value.serialization.get('name', 'value')), None)
            if value is not None:
                check_xml(shape.value, value, f'{path}{{{i}}}', problems)
    else:
        text = element.text or ''
        try:
            if kind in ('integer', 'long'):
                int(text)
            elif kind in ('double', 'float'):
                float(text)
            elif kind == 'boolean' and text not in ('true', 'false'):
                raise ValueError(text)
        except ValueError:
            problems.append(f'{path}: {text!r} is not a {kind}')
        if kind == 'string' and shape.enum and text not in shape.enum:
            problems.append(f'{path}: {text!r} is not one of {shape.enum}')


answers_checked = []


def on_after_call(http_response, parsed, model, **_):
    if http_response.status_code != 200 or model.output_shape is None:
        return
    problems = []
    body = http_response.content
    protocol = 'query' if body.lstrip().startswith(b'<') else 'json'
    if body.lstrip().startswith(b'<'):
        root = ET.fromstring(body)
        wrapper = model.output_shape.serialization.get('resultWrapper')
        result = next((c for c in root if local(c.tag) == wrapper), None)
        if result is None:
            problems.append(f'no <{wrapper}> in the answer')
        else:
            check_xml(model.output_shape, result, model.name, problems)
    else:
        check_json(model.output_shape, json.loads(body or b'{}'), model.name, problems)
    answers_checked.append(model.name)
    if problems:
        failures.append(f'{model.name} answer vs the {protocol} model')
        print(f'FAIL  {model.name} answer does not match botocore\'s model: ' + '; '.join(problems[:5]))


session = boto3.session.Session(aws_access_key_id='AKIDBOTO3CHECK', aws_secret_access_key='local', region_name='us-east-1')
config = Config(retries={'max_attempts': 1, 'mode': 'standard'})
cw, elb, ecs = (session.client(name, endpoint_url=URL, config=config) for name in ('cloudwatch', 'elbv2', 'ecs'))
for client in (cw, elb, ecs):
    client.meta.events.register('after-call', on_after_call)

with urllib.request.urlopen(urllib.request.Request(f'{URL}/_sim/seed', method='POST', data=b'')) as res:
    scenario = json.load(res)
tg = scenario['targetGroups']

cw_model = cw.meta.service_model
print(f'boto3 {boto3.__version__}, botocore {botocore.__version__}, CloudWatch over {getattr(cw_model, "resolved_protocol", cw_model.protocol)}')

# ---- CloudWatch DescribeAlarms ------------------------------------------------------

for i in range(120):
    cw.put_metric_alarm(AlarmName=f'boto-{i:03d}', Namespace='Test', MetricName='CPU', Statistic='Average', Period=60,
                        EvaluationPeriods=1, Threshold=90, ComparisonOperator='GreaterThanThreshold')
for i in range(3):
    cw.put_composite_alarm(AlarmName=f'boto-{i * 10:03d}-c', AlarmRule=f'ALARM("boto-{i:03d}")')

first = cw.describe_alarms()
check('DescribeAlarms answers 50 metric alarms by default, with a NextToken', len(first['MetricAlarms']) == 50 and 'NextToken' in first,
      f'{len(first["MetricAlarms"])} alarms, NextToken {first.get("NextToken")!r}')
pages = list(cw.get_paginator('describe_alarms').paginate())
names = [a['AlarmName'] for p in pages for a in p['MetricAlarms']]
check('the describe_alarms paginator returns all 120 metric alarms once, in name order, in pages of 50',
      [len(p['MetricAlarms']) for p in pages] == [50, 50, 20] and names == [f'boto-{i:03d}' for i in range(120)],
      f'pages {[len(p["MetricAlarms"]) for p in pages]}')
built = cw.get_paginator('describe_alarms').paginate(AlarmTypes=['MetricAlarm', 'CompositeAlarm'], PaginationConfig={'PageSize': 40}).build_full_result()
both = [a['AlarmName'] for a in built['MetricAlarms'] + built['CompositeAlarms']]
check('paging with both AlarmTypes covers 120 metric + 3 composite alarms exactly once',
      len(built['MetricAlarms']) == 120 and len(built['CompositeAlarms']) == 3 and len(set(both)) == 123, f'{len(both)} alarms')
expect_error('MaxRecords 101 is ValidationError', lambda: cw.describe_alarms(MaxRecords=101), 'ValidationError',
             "1 validation error detected: Value '101' at 'maxRecords' failed to satisfy constraint: Member must have value less than or equal to 100")
expect_error('a garbled NextToken is InvalidNextToken', lambda: cw.describe_alarms(NextToken='garbage'), 'InvalidNextToken')

# ---- ELBv2 --------------------------------------------------------------------------

# nine seeded groups (shop-blue/-green and pay-blue/-green included) and 16 more: 25
for i in range(16):
    elb.create_target_group(Name=f'boto-{i:03d}', Protocol='HTTP', Port=80, TargetType='ip', VpcId='vpc-1')
everything = elb.describe_target_groups()
check('DescribeTargetGroups without PageSize answers all 25 groups and no NextMarker',
      len(everything['TargetGroups']) == 25 and 'NextMarker' not in everything, f'{len(everything["TargetGroups"])} groups')
one = elb.describe_target_groups(PageSize=10)
check('PageSize 10 answers 10 groups and a NextMarker', len(one['TargetGroups']) == 10 and 'NextMarker' in one)
pages = list(elb.get_paginator('describe_target_groups').paginate(PaginationConfig={'PageSize': 7}))
arns = [t['TargetGroupArn'] for p in pages for t in p['TargetGroups']]
check('the describe_target_groups paginator (PageSize 7) sees every group once, in order',
      [len(p['TargetGroups']) for p in pages] == [7, 7, 7, 4] and arns == [t['TargetGroupArn'] for t in everything['TargetGroups']],
      f'pages {[len(p["TargetGroups"]) for p in pages]}')
listeners = list(elb.get_paginator('describe_listeners').paginate(LoadBalancerArn=scenario['loadBalancers']['web-alb']['arn'], PaginationConfig={'PageSize': 1}))
check('the describe_listeners paginator pages one listener at a time', [len(p['Listeners']) for p in listeners] == [1, 1])
rules = list(elb.get_paginator('describe_rules').paginate(ListenerArn=scenario['listeners']['api-alb:80'], PaginationConfig={'PageSize': 1}))
check('the describe_rules paginator pages the rule, then the default rule',
      [r['Priority'] for p in rules for r in p['Rules']] == ['10', 'default'])
expect_error('PageSize 401 is ValidationError', lambda: elb.describe_target_groups(PageSize=401), 'ValidationError',
             "1 validation error detected: Value '401' at 'pageSize' failed to satisfy constraint: Member must have value less than or equal to 400")
expect_error('a garbled Marker is ValidationError', lambda: elb.describe_target_groups(Marker='garbage'), 'ValidationError')

blue = tg['web-blue']
for arn, what in [
    ('web-blue', 'a name instead of an ARN'),
    (blue.replace(':123456789012:', ':210987654321:'), 'an ARN of another account'),
    (blue.replace(':us-east-1:', ':eu-west-1:'), 'an ARN of another region'),
]:
    message = f"'{arn}' is not a valid target group ARN"
    expect_error(f'DescribeTargetGroups with {what} is ValidationError', lambda: elb.describe_target_groups(TargetGroupArns=[arn]), 'ValidationError', message)
    expect_error(f'DescribeTargetHealth with {what} is ValidationError', lambda: elb.describe_target_health(TargetGroupArn=arn), 'ValidationError', message)
foreign_listener = scenario['listeners']['web-alb:80'].replace(':123456789012:', ':210987654321:')
expect_error('DescribeListeners with a listener of another account is ValidationError',
             lambda: elb.describe_listeners(ListenerArns=[foreign_listener]), 'ValidationError', f"'{foreign_listener}' is not a valid listener ARN")
unknown = blue.rsplit('/', 1)[0] + '/0123456789abcdef'
expect_error('a well-formed ARN of this account that names nothing is TargetGroupNotFound',
             lambda: elb.describe_target_groups(TargetGroupArns=[unknown]), 'TargetGroupNotFound')

# ---- ECS ----------------------------------------------------------------------------

lonely = elb.create_target_group(Name='boto-lonely', Protocol='HTTP', Port=8080, TargetType='ip', VpcId='vpc-1')['TargetGroups'][0]['TargetGroupArn']
lbs = [{'targetGroupArn': lonely, 'containerName': 'web', 'containerPort': 8080}]
network = {'awsvpcConfiguration': {'subnets': ['subnet-1'], 'securityGroups': ['sg-1']}}
no_lb = f'The target group with targetGroupArn {lonely} does not have an associated load balancer.'
expect_error('CreateService onto a target group without a load balancer is InvalidParameterException',
             lambda: ecs.create_service(cluster='prod', serviceName='boto-orphan', taskDefinition='web:1', desiredCount=1, launchType='FARGATE',
                                        networkConfiguration=network, loadBalancers=lbs), 'InvalidParameterException', no_lb)
expect_error('UpdateService onto a target group without a load balancer is InvalidParameterException',
             lambda: ecs.update_service(cluster='prod', service='web', loadBalancers=lbs), 'InvalidParameterException', no_lb)

for _ in range(11):
    ecs.run_task(cluster='prod', taskDefinition='api:1', count=10, launchType='FARGATE', networkConfiguration=network, startedBy='boto3')
page = ecs.list_tasks(cluster='prod', startedBy='boto3')
check('ListTasks answers 100 tasks by default, with a nextToken', len(page['taskArns']) == 100 and 'nextToken' in page)
tasks = ecs.get_paginator('list_tasks').paginate(cluster='prod', startedBy='boto3', PaginationConfig={'PageSize': 30}).build_full_result()['taskArns']
check('the list_tasks paginator sees all 110 tasks once', len(tasks) == 110 and len(set(tasks)) == 110, f'{len(tasks)} tasks')
# seven seeded services (the native shop and the CodeDeploy pay included) and five idle ones: 12
for i in range(5):
    ecs.create_service(cluster='prod', serviceName=f'boto-idle-{i}', taskDefinition='api:1', desiredCount=0, launchType='FARGATE', networkConfiguration=network)
services = ecs.list_services(cluster='prod')
check('ListServices answers 10 services by default, with a nextToken', len(services['serviceArns']) == 10 and 'nextToken' in services)
every = ecs.get_paginator('list_services').paginate(cluster='prod').build_full_result()['serviceArns']
check('the list_services paginator sees all 12 services', len(every) == 12, f'{len(every)} services')

elb.modify_listener(ListenerArn=scenario['listeners']['web-alb:81'], DefaultActions=[{'Type': 'fixed-response', 'FixedResponseConfig': {'StatusCode': '503'}}])
health = elb.describe_target_health(TargetGroupArn=tg['web-rolling'])['TargetHealthDescriptions']
check('the rolling service\'s targets in a group no listener uses are unused (Target.NotInUse)',
      len(health) == 2 and all(d['TargetHealth']['State'] == 'unused' and d['TargetHealth']['Reason'] == 'Target.NotInUse' for d in health),
      str([d['TargetHealth'] for d in health]))

# ---- ECS-native blue/green, linear and canary (the seeded `shop`) --------------------

def advance(ms):
    body = json.dumps({'advanceMs': ms}).encode()
    urllib.request.urlopen(urllib.request.Request(f'{URL}/_sim/clock', method='POST', data=body, headers={'content-type': 'application/json'})).read()


def wait_for(arn, done, limit_ms=40 * 60_000):
    for _ in range(limit_ms // 1000):
        d = ecs.describe_service_deployments(serviceDeploymentArns=[arn])['serviceDeployments'][0]
        if done(d):
            return d
        advance(1000)
    return d


def green_weight(rule):
    groups = elb.describe_rules(RuleArns=[rule])['Rules'][0]['Actions'][0]['ForwardConfig']['TargetGroups']
    return next(g['Weight'] for g in groups if g['TargetGroupArn'] == tg['shop-green']) * 100 // sum(g['Weight'] for g in groups)


native = scenario['native']
ops = ecs.meta.service_model.operation_names
if 'ContinueServiceDeployment' not in ops:
    # Loud, and only for a botocore older than the operations (Debian's 1.29): the newest boto3 runs all of this.
    print(f'SKIP  native deployments: botocore {botocore.__version__} does not know ListServiceDeployments / ContinueServiceDeployment; '
          'the newest boto3 (pip) checks them')
else:
    shop = ecs.describe_services(cluster='prod', services=['shop'])['services'][0]
    check('native: shop is BLUE_GREEN with advancedConfiguration, as botocore parses it',
          shop['deploymentConfiguration']['strategy'] == 'BLUE_GREEN'
          and shop['loadBalancers'][0]['advancedConfiguration']['alternateTargetGroupArn'] == native['alternateTargetGroup']
          and shop['currentServiceDeployment'].startswith('arn:aws:ecs:us-east-1:123456789012:service-deployment/prod/shop/'), str(shop['deploymentConfiguration']))
    td = ecs.register_task_definition(family='shop', requiresCompatibilities=['FARGATE'], networkMode='awsvpc', cpu='256', memory='512',
                                      containerDefinitions=[{'name': 'shop', 'image': 'registry.example.com/shop:v2', 'essential': True,
                                                             'portMappings': [{'containerPort': 8080}]}])['taskDefinition']['taskDefinitionArn']
    ecs.update_service(cluster='prod', service='shop', taskDefinition=td, deploymentConfiguration={
        'strategy': 'CANARY', 'canaryConfiguration': {'canaryPercent': 10.0, 'canaryBakeTimeInMinutes': 2}, 'bakeTimeInMinutes': 1,
        'lifecycleHooks': [{'targetType': 'PAUSE', 'lifecycleStages': ['PRE_PRODUCTION_TRAFFIC_SHIFT'],
                            'timeoutConfiguration': {'timeoutInMinutes': 30, 'action': 'ROLLBACK'}}]})
    listed = ecs.list_service_deployments(cluster='prod', service='shop')['serviceDeployments']
    arn = listed[0]['serviceDeploymentArn']
    check('native: ListServiceDeployments lists the new deployment IN_PROGRESS over the seeded SUCCESSFUL one',
          [d['status'] for d in listed] == ['IN_PROGRESS', 'SUCCESSFUL'], str([d['status'] for d in listed]))
    awaiting = lambda d: any(h['status'] == 'AWAITING_ACTION' for h in d.get('lifecycleHookDetails', []))
    first = wait_for(arn, awaiting)
    hook = next(h for h in first['lifecycleHookDetails'] if h['status'] == 'AWAITING_ACTION')
    check('native: paused before the first production step, hook AWAITING_ACTION with expiresAt parsed as a datetime',
          first['status'] == 'IN_PROGRESS' and hasattr(hook['expiresAt'], 'tzinfo') and green_weight(native['productionListenerRule']) == 0, str(first))
    ecs.continue_service_deployment(serviceDeploymentArn=arn, hookId=hook['hookId'], action='CONTINUE')
    expect_error('native: continuing a hook that is no longer AWAITING_ACTION is InvalidParameterException',
                 lambda: ecs.continue_service_deployment(serviceDeploymentArn=arn, hookId=hook['hookId']), 'InvalidParameterException')
    second = wait_for(arn, lambda d: awaiting(d) and d['lifecycleHookDetails'][0]['hookId'] != hook['hookId'])
    check('native: the canary step holds 10 % and pauses again, with a new hookId, before the last step',
          green_weight(native['productionListenerRule']) == 10 and awaiting(second), str(second.get('lifecycleHookDetails')))
    ecs.continue_service_deployment(serviceDeploymentArn=arn, hookId=second['lifecycleHookDetails'][0]['hookId'], action='ROLLBACK')
    rolled = wait_for(arn, lambda d: d['status'] in ('ROLLBACK_SUCCESSFUL', 'ROLLBACK_FAILED'))
    check('native: ContinueServiceDeployment ROLLBACK ends ROLLBACK_SUCCESSFUL with production back on blue',
          rolled['status'] == 'ROLLBACK_SUCCESSFUL' and green_weight(native['productionListenerRule']) == 0
          and rolled['rollback']['serviceRevisionArn'] == rolled['sourceServiceRevisions'][0]['arn'], str(rolled))
    revisions = ecs.describe_service_revisions(serviceRevisionArns=[rolled['targetServiceRevision']['arn'], rolled['sourceServiceRevisions'][0]['arn']])
    check('native: DescribeServiceRevisions answers both revisions with their images',
          [r['containerImages'][0]['image'] for r in revisions['serviceRevisions']] == ['registry.example.com/shop:v2', 'registry.example.com/shop:v1'],
          str(revisions))
    expect_error('native: stopping a finished service deployment is ConflictException',
                 lambda: ecs.stop_service_deployment(serviceDeploymentArn=arn, stopType='ROLLBACK'), 'ConflictException')
    expect_error('native: an unknown service deployment is ServiceDeploymentNotFoundException',
                 lambda: ecs.stop_service_deployment(serviceDeploymentArn=arn[:-3] + 'zzz'), 'ServiceDeploymentNotFoundException')
    ecs.update_service(cluster='prod', service='shop', taskDefinition=td, forceNewDeployment=True, deploymentConfiguration={
        'strategy': 'LINEAR', 'linearConfiguration': {'stepPercent': 50.0, 'stepBakeTimeInMinutes': 5}, 'lifecycleHooks': []})
    arn = ecs.list_service_deployments(cluster='prod', service='shop', status=['IN_PROGRESS'])['serviceDeployments'][0]['serviceDeploymentArn']
    wait_for(arn, lambda d: d.get('targetServiceRevision', {}).get('requestedProductionTrafficWeight') == 50.0)
    stopped = ecs.stop_service_deployment(serviceDeploymentArn=arn, stopType='ROLLBACK')
    requested = ecs.describe_service_deployments(serviceDeploymentArns=[arn])['serviceDeployments'][0]
    done = wait_for(arn, lambda d: d['status'] in ('ROLLBACK_SUCCESSFUL', 'ROLLBACK_FAILED'))
    check('native: StopServiceDeployment ROLLBACK at 50 % is ROLLBACK_REQUESTED, then ROLLBACK_SUCCESSFUL with 0 % on green',
          stopped['serviceDeploymentArn'] == arn and requested['status'] == 'ROLLBACK_REQUESTED' and done['status'] == 'ROLLBACK_SUCCESSFUL'
          and green_weight(native['productionListenerRule']) == 0, f'{requested["status"]} -> {done["status"]}')
    print('ok    native: every native operation answered and checked against botocore ' + botocore.__version__)

# ---- CodeDeploy blue/green (the seeded CODE_DEPLOY service `pay`) -----------------------

cd = session.client('codedeploy', endpoint_url=URL, config=config)
cd.meta.events.register('after-call', on_after_call)
pay = scenario['codeDeploy']


def pay_green_weight():
    groups = elb.describe_listeners(ListenerArns=[pay['prodListener']])['Listeners'][0]['DefaultActions'][0]['ForwardConfig']['TargetGroups']
    return next(g['Weight'] for g in groups if g['TargetGroupArn'] == pay['greenTargetGroup'])


def deployment_until(deployment_id, statuses, limit_ms=90 * 60_000):
    for _ in range(limit_ms // 5000):
        d = cd.get_deployment(deploymentId=deployment_id)['deploymentInfo']
        if d['status'] in statuses:
            return d
        advance(5000)
    return d


group = cd.get_deployment_group(applicationName=pay['application'], deploymentGroupName=pay['deploymentGroup'])['deploymentGroupInfo']
check('codedeploy: GetDeploymentGroup answers the ECS blue/green group with its listeners and waits',
      group['computePlatform'] == 'ECS' and group['deploymentStyle']['deploymentType'] == 'BLUE_GREEN'
      and group['loadBalancerInfo']['targetGroupPairInfoList'][0]['testTrafficRoute']['listenerArns'] == [pay['testListener']]
      and group['blueGreenDeploymentConfiguration']['deploymentReadyOption']['waitTimeInMinutes'] == 0, str(group))
linear = cd.get_deployment_config(deploymentConfigName='CodeDeployDefault.ECSLinear10PercentEvery3Minutes')['deploymentConfigInfo']
check('codedeploy: GetDeploymentConfig answers the linear config with createTime parsed as a datetime',
      linear['trafficRoutingConfig']['timeBasedLinear'] == {'linearPercentage': 10, 'linearInterval': 3} and hasattr(linear['createTime'], 'tzinfo'), str(linear))
expect_error('codedeploy: an unknown deployment group is DeploymentGroupDoesNotExistException',
             lambda: cd.get_deployment_group(applicationName=pay['application'], deploymentGroupName='nope'), 'DeploymentGroupDoesNotExistException')
expect_error('codedeploy: an S3 revision is refused with InvalidRevisionException',
             lambda: cd.create_deployment(applicationName=pay['application'], deploymentGroupName=pay['deploymentGroup'],
                                          revision={'revisionType': 'S3', 's3Location': {'bucket': 'b', 'key': 'k', 'bundleType': 'YAML'}}),
             'InvalidRevisionException')
pay_td = ecs.register_task_definition(family='pay', requiresCompatibilities=['FARGATE'], networkMode='awsvpc', cpu='256', memory='512',
                                      containerDefinitions=[{'name': 'pay', 'image': 'registry.example.com/pay:v2', 'essential': True,
                                                             'portMappings': [{'containerPort': 8080}]}])['taskDefinition']['taskDefinitionArn']
spec = ('version: 0.0\nResources:\n  - TargetService:\n      Type: AWS::ECS::Service\n      Properties:\n'
        f'        TaskDefinition: "{pay_td}"\n        LoadBalancerInfo:\n          ContainerName: pay\n          ContainerPort: 8080\n')
started = cd.create_deployment(applicationName=pay['application'], deploymentGroupName=pay['deploymentGroup'],
                               deploymentConfigName='CodeDeployDefault.ECSCanary10Percent5Minutes',
                               revision={'revisionType': 'AppSpecContent', 'appSpecContent': {'content': spec}})['deploymentId']
expect_error('codedeploy: a second deployment of the group is DeploymentLimitExceededException',
             lambda: cd.create_deployment(applicationName=pay['application'], deploymentGroupName=pay['deploymentGroup'],
                                          revision={'revisionType': 'AppSpecContent', 'appSpecContent': {'content': spec}}), 'DeploymentLimitExceededException')
advance(5000)
sets = ecs.describe_task_sets(cluster='prod', service='pay')['taskSets']
check('codedeploy: DescribeTaskSets shows the PRIMARY original and the ACTIVE replacement CodeDeploy created',
      [(t['status'], t.get('startedBy'), t.get('externalId')) for t in sets] == [('PRIMARY', None, None), ('ACTIVE', 'CODE_DEPLOY', started)], str(sets))
for _ in range(120):
    if pay_green_weight() > 0:
        break
    advance(1000)
check('codedeploy: the canary moves 10 % of production to the replacement', pay_green_weight() == 10, str(pay_green_weight()))
stopped = cd.stop_deployment(deploymentId=started, autoRollbackEnabled=True)
info = cd.get_deployment(deploymentId=started)['deploymentInfo']
rollback = deployment_until(info['rollbackInfo']['rollbackDeploymentId'], ('Succeeded', 'Failed', 'Stopped'))
check('codedeploy: StopDeployment with rollback: Stopped (MANUAL_STOP), a codeDeployRollback deployment Succeeded, production back on blue',
      stopped['status'] == 'Pending' and info['status'] == 'Stopped' and info['errorInformation']['code'] == 'MANUAL_STOP'
      and rollback['status'] == 'Succeeded' and rollback['creator'] == 'codeDeployRollback' and pay_green_weight() == 0, str(rollback))
expect_error('codedeploy: stopping a finished deployment is DeploymentAlreadyCompletedException',
             lambda: cd.stop_deployment(deploymentId=started), 'DeploymentAlreadyCompletedException')
again = cd.create_deployment(applicationName=pay['application'], deploymentGroupName=pay['deploymentGroup'],
                             revision={'revisionType': 'AppSpecContent', 'appSpecContent': {'content': spec}})['deploymentId']
done = deployment_until(again, ('Succeeded', 'Failed', 'Stopped'))
payservice = ecs.describe_services(cluster='prod', services=['pay'])['services'][0]
check('codedeploy: an all-at-once deployment Succeeded; the service runs the new revision on one PRIMARY task set, deployments empty',
      done['status'] == 'Succeeded' and pay_green_weight() == 100 and payservice['taskDefinition'] == pay_td
      and payservice['deployments'] == [] and [t['status'] for t in payservice['taskSets']] == ['PRIMARY'], str(done))
expect_error('codedeploy: UpdateService with a task definition on a CODE_DEPLOY service is InvalidParameterException',
             lambda: ecs.update_service(cluster='prod', service='pay', taskDefinition=pay_td), 'InvalidParameterException')

check('every successful answer with an output shape was checked against the model', len(answers_checked) > 50, f'{len(answers_checked)} answers')
print(f'{checks} checks, {len(answers_checked)} answers checked against botocore\'s models, {len(failures)} failed')
sys.exit(1 if failures else 0)
