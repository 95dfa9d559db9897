import ArgumentParser

struct Completions: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a shell completion script for certform.",
        discussion: """
        Examples:
          certform completions bash > /etc/bash_completion.d/certform
          certform completions zsh > "${fpath[1]}/_certform"
          certform completions fish > ~/.config/fish/completions/certform.fish
        """)

    enum Shell: String, ExpressibleByArgument, CaseIterable {
        case bash, zsh, fish
    }

    @Argument(help: "The shell: bash, zsh or fish.")
    var shell: Shell

    func run() throws {
        let target: CompletionShell
        switch shell {
        case .bash: target = .bash
        case .zsh: target = .zsh
        case .fish: target = .fish
        }
        print(Certform.completionScript(for: target))
    }
}
