import CertCentralAPI
import DomainValidation
import Foundation
import Testing

@Suite struct DCVHookTests {
    let task = DCVTask(method: .dnsTXTToken, kind: .txt, domain: "example.com", record: "example.com", value: "tok3n")

    @Test func theHookSeesItsVariablesButNeverTheAPIKey() async {
        // certform's environment with the key in it (given, not set with setenv: the other tests
        // running meanwhile read the process's environment).
        var environment = ProcessInfo.processInfo.environment
        environment["DIGICERT_API_KEY"] = "secret-key-canary"
        let hook = DCVHook(command: "echo \"$CERTFORM_DCV_ACTION|$CERTFORM_DCV_METHOD|$CERTFORM_DCV_DOMAIN|$CERTFORM_DCV_RECORD|$CERTFORM_DCV_VALUE|$CERTFORM_NAME|$CERTFORM_ORDER_ID|key=${DIGICERT_API_KEY:-none}\"; exit 7",
                           environment: environment)
        let run = await hook.run(.publish, task: task, name: "web", orderID: 42)
        #expect(run.exitStatus == 7)
        #expect(!run.succeeded)
        #expect(run.output == "publish|dns-txt-token|example.com|example.com|tok3n|web|42|key=none\n")
    }

    @Test func aHookThatRunsTooLongIsStopped() async {
        // Left alone it would run for ten minutes; stopped, it returns long before (however
        // loaded the machine), with no exit status and the reason.
        let hook = DCVHook(command: "sleep 600", timeout: 0.5)
        let started = Date()
        let run = await hook.run(.cleanup, task: task, name: "web", orderID: 1)
        #expect(run.exitStatus == nil)
        #expect(run.problem?.contains("stopped") == true)
        #expect(Date().timeIntervalSince(started) < 300)
    }

    @Test func onlyTheEndOfALongOutputIsKept() async {
        let hook = DCVHook(command: "i=0; while [ $i -lt 3000 ]; do echo line-$i; i=$((i+1)); done; echo last-line")
        let run = await hook.run(.publish, task: task, name: "web", orderID: 1)
        #expect(run.succeeded)
        #expect(run.output.utf8.count <= 4096)
        #expect(run.output.hasSuffix("last-line\n"))
    }
}
