// Measurements that print figures (never timed tests).
//
//   swift run -c release pathway-bench render-loop [COUNT] [FILE]
//     renders FILE to SVG COUNT times from one process and prints its resident memory every
//     tenth of the way, to show that rendering does not leak; --in-process calls Graphviz in
//     this process instead of a worker, to show what Graphviz 2.43 leaks by itself.
//
//   swift run -c release pathway-bench phases FOLDER [--command]
//     reads the CSV pair in FOLDER into columns and times each search of the metrics alone
//     (wall and CPU seconds, resident memory); with --command, the phases of
//     `pathway metrics --json FOLDER` as it runs them, on both cores.
import Foundation
import GraphvizRenderer
import PathwayCore
import PathwayReports

func residentKilobytes() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return -1 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
        return Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]) ?? -1
    }
    return -1
}

/// User and system time of this process so far, all threads.
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "render-loop":
    let positional = arguments.dropFirst().filter { !$0.hasPrefix("--") }
    let count = positional.first.flatMap { Int($0) } ?? 1000
    let file = positional.dropFirst().first ?? "pathways/dementia-london-after.yaml"
    let inProcess = arguments.contains("--in-process")
    let dot = PathwayDiagram.dot(try PathwayFiles.load(file))
    // The worker is the pathway tool built beside this one.
    let worker = RenderWorker(
        executable: URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("pathway"))
    let start = Date()
    print(inProcess ? "in this process (Graphviz's own leaks show)" : "in a worker process per render, as pathway does")
    print("renders  resident KiB  seconds")
    for k in 1...count {
        _ = try inProcess ? Graphviz.shared.render(dot: dot, format: .svg) : worker.render(dot: dot, format: .svg)
        if k == 1 || k % max(1, count / 10) == 0 {
            print(String(format: "%7d  %12d  %7.1f", k, residentKilobytes(), Date().timeIntervalSince(start)))
        }
    }
case "phases":
    // Where the time goes on one network: load, graph, then each metric in turn.
    let folder = arguments.dropFirst().first { !$0.hasPrefix("--") } ?? "/tmp/net-100k"
    var clock = Date()
    var cpu = cpuSeconds()
    print("phase                      wall s     cpu s  resident KiB")
    func lap(_ name: String) {
        let now = cpuSeconds()
        print(
            name.padding(toLength: 24, withPad: " ", startingAt: 0)
                + String(format: " %8.3f  %8.3f  %12d", Date().timeIntervalSince(clock), now - cpu, residentKilobytes()))
        clock = Date()
        cpu = now
    }
    if arguments.contains("--command") {
        // Exactly what `pathway metrics --json FOLDER` does, phase by phase.
        let network = try PathwayFiles.loadNetwork(folder)
        lap("load")
        let metrics = PathwayMetrics(network, betweenness: false)
        lap("metrics")
        let json = metrics.json
        lap("json tree")
        let bytes = json.serializedBytes()
        lap("json text")
        print("\(bytes.count) bytes of JSON")
        exit(0)
    }
    guard let network = CSVNetworkLoader.fastLoad(folder: folder) else {
        print("\(folder): not plain CSV; the thorough reader would load it")
        exit(1)
    }
    lap("load (columns)")
    let graph = network.graph
    _ = graph.stronglyConnectedComponents()
    lap("components")
    _ = DominatorTree(graph)
    lap("dominators")
    _ = graph.ids.sortedOrder()
    lap("id order")
    _ = graph.referralsFromEntries()
    lap("hops")
    _ = graph.boundariesFromEntries()
    lap("boundaries")
    for function in network.functions { _ = graph.pointsOfEntry(providers: function.providers) }
    lap("points of entry (each)")
    _ = graph.pointsOfEntry(functions: network.functions.map(\.providers))
    lap("points of entry (all)")
    let metrics = PathwayMetrics(network, betweenness: false)
    lap("all metrics (2 cores)")
    let json = metrics.json
    lap("json tree")
    let bytes = json.serializedBytes()
    lap("json text")
    print("\(bytes.count) bytes of JSON")
default:
    print("usage: pathway-bench render-loop [COUNT] [FILE] [--in-process] | phases FOLDER [--command]")
    exit(64)
}
