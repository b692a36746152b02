extension Discovery {
    /// The continuity of care over the journeys' providers (`providers` of them), for each
    /// patient with two events or more: what ``Discovery/continuity`` holds.
    static func continuity(_ journeys: PatientJourneys, providers: Int) -> Continuity {
        var upc: [Double] = []
        var coc: [Double] = []
        var secon: [Double] = []
        var crossings: [Int] = []
        var twice = 0
        for p in 0..<journeys.patients where journeys.starts[p + 1] - journeys.starts[p] >= 2 { twice += 1 }
        upc.reserveCapacity(twice)
        coc.reserveCapacity(twice)
        secon.reserveCapacity(twice)
        crossings.reserveCapacity(twice)
        var tally = [Int](repeating: 0, count: providers)
        var touched: [Int32] = []
        let provided = journeys.provider
        for p in 0..<journeys.patients {
            let rows = journeys.starts[p]..<journeys.starts[p + 1]
            let n = rows.count
            guard n >= 2 else { continue }
            var same = 0
            var previous: Int32 = -1
            for row in rows {
                let provider = provided[row]
                if tally[Int(provider)] == 0 { touched.append(provider) }
                tally[Int(provider)] += 1
                if provider == previous { same += 1 }
                previous = provider
            }
            var largest = 0
            var squares = 0
            for provider in touched {
                let c = tally[Int(provider)]
                largest = max(largest, c)
                squares += c * c
                tally[Int(provider)] = 0
            }
            touched.removeAll(keepingCapacity: true)
            upc.append(Double(largest) / Double(n))
            coc.append(Double(squares - n) / Double(n * (n - 1)))
            secon.append(Double(same) / Double(n - 1))
            crossings.append(n - 1 - same)
        }
        var continuity = Continuity()
        continuity.overOrganisations = journeys.organised
        continuity.patients = upc.count
        guard !upc.isEmpty else { return continuity }
        // Each let go once summarised: at 10^8 rows each is hundreds of megabytes.
        continuity.upc = Statistics.summary(upc)
        upc = []
        continuity.coc = Statistics.summary(coc)
        coc = []
        continuity.secon = Statistics.summary(secon)
        secon = []
        let most = crossings.max()!
        continuity.maximumCrossings = most
        var histogram = [Int](repeating: 0, count: most + 1)
        for c in crossings { histogram[c] += 1 }
        continuity.crossingsHistogram = histogram
        // Whole numbers: sorted, they are each count of crossings as often as the histogram
        // says, so no sort is needed.
        crossings = []
        var sorted: [Double] = []
        sorted.reserveCapacity(continuity.patients)
        for (c, patients) in histogram.enumerated() {
            sorted.append(contentsOf: repeatElement(Double(c), count: patients))
        }
        continuity.boundaryCrossings = Discovery.Summary(
            mean: Statistics.mean(sorted), median: Statistics.median(sorted: sorted))
        return continuity
    }
}
