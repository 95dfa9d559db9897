import ArgumentParser
import DomainValidation

/// `--hook CMD` (env CERTFORM_DCV_HOOK): the DCV hook of dcv, apply and refresh.
struct DCVHookOptions: ParsableArguments {
    @Option(name: .customLong("hook"), help: ArgumentHelp(
        "Run CMD (with /bin/sh -c) once per domain to publish each DCV token, then ask CertCentral to check, and run it again with CERTFORM_DCV_ACTION=cleanup once the order is issued (env CERTFORM_DCV_HOOK). The hook gets CERTFORM_DCV_ACTION, _METHOD, _DOMAIN, _RECORD, _VALUE, _TYPE, _URL, CERTFORM_NAME and CERTFORM_ORDER_ID; never the API key.",
        valueName: "cmd"))
    var hookOption: String?

    @Option(name: .customLong("hook-timeout"), help: ArgumentHelp("Stop a hook run after this long (e.g. 300s, 5m).", valueName: "duration"))
    var hookTimeout = DurationArgument(seconds: 300, written: "300s")

    var hook: DCVHook? {
        guard let command = hookOption ?? Environment.value("CERTFORM_DCV_HOOK"), !command.isEmpty else { return nil }
        return DCVHook(command: command, timeout: hookTimeout.seconds)
    }
}

/// `--certs-dir DIR` (env CERTFORM_CERTS_DIR): where refresh writes the issued certificates.
struct CertsDirOptions: ParsableArguments {
    @Option(name: .customLong("certs-dir"), help: ArgumentHelp(
        "Write each issued certificate to DIR/NAME.pem (leaf, then intermediates) when the file is missing or holds another certificate; checked against the recorded thumbprint and the CSR's key (env CERTFORM_CERTS_DIR).",
        valueName: "dir"), completion: .directory)
    var certsDirOption: String?

    var certsDir: String? {
        guard let directory = certsDirOption ?? Environment.value("CERTFORM_CERTS_DIR"), !directory.isEmpty else { return nil }
        return directory
    }
}
