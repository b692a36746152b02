import Foundation
import Testing

@testable import GraphvizRenderer

/// A PDF is the same bytes on every run: cairo's creation date (the time of the run) is
/// written over, with SOURCE_DATE_EPOCH's date when it is set.
@Suite struct PDFDateTests {
    @Test func aPDFIsTheSameBytesOnEveryRunAndHasNoDateUnlessGivenOne() throws {
        let dot = "digraph { a -> b }"
        let first = try Graphviz.shared.render(dot: dot, format: .pdf)
        #expect(String(decoding: first.prefix(5), as: UTF8.self) == "%PDF-")
        if Graphviz.sourceDateEpoch == nil {
            #expect(!String(decoding: first, as: UTF8.self).contains("/CreationDate"))
        }
        Thread.sleep(forTimeInterval: 1.1)
        #expect(try Graphviz.shared.render(dot: dot, format: .pdf) == first)
    }

    @Test func theDateIsWrittenOverInPlace() {
        let pdf = Array("%PDF-1.5\n<< /Producer (cairo) /CreationDate (D:20261208024341Z) >>\nxref\n".utf8)
        let none = Graphviz.pdfWithFixedDate(pdf, epoch: nil)
        #expect(none.count == pdf.count)
        #expect(
            String(decoding: none, as: UTF8.self).contains(
                "/Producer (cairo)" + String(repeating: " ", count: 35) + ">>"))
        let dated = Graphviz.pdfWithFixedDate(pdf, epoch: 1_700_000_000)
        #expect(dated.count == pdf.count)
        #expect(String(decoding: dated, as: UTF8.self).contains("/CreationDate (D:20231114221320Z)"))
        #expect(
            String(decoding: Graphviz.pdfWithFixedDate(pdf, epoch: 0), as: UTF8.self).contains("(D:19700101000000Z)"))
        // Anything else is left alone.
        for other in ["%PDF-1.5\n<< /Producer (cairo) >>\n", "/CreationDate (D:2026120802434Z)", ""] {
            #expect(Graphviz.pdfWithFixedDate(Array(other.utf8), epoch: nil) == Array(other.utf8))
        }
    }
}
