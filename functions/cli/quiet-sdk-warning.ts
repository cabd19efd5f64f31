// Imported first by the CLI: the AWS SDK warns on every client that future releases need Node 22;
// a CLI on Node 20 has nothing to act on (the lockfile pins the SDK), so the warning is switched off.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
