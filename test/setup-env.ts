// The action runs on node24 on GitHub; on this machine's node 20 the SDK clients the tests
// use to read the local ECS's state would otherwise print an upgrade notice in every suite.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
