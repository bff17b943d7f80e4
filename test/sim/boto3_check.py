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
NEWER_THAN_OLD_MODELS = {('MetricAlarm', 'StateTransitionedTimestamp')}

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

for i in range(20):
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
for i in range(7):
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

check('every successful answer with an output shape was checked against the model', len(answers_checked) > 50, f'{len(answers_checked)} answers')
print(f'{checks} checks, {len(answers_checked)} answers checked against botocore\'s models, {len(failures)} failed')
sys.exit(1 if failures else 0)
