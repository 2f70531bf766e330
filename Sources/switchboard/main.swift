import Foundation
import SwitchboardCLI

exit(await Switchboard.main(Array(CommandLine.arguments.dropFirst())))
