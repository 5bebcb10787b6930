import Foundation
import TallyConnectors

/// The record of what a run is publishing, written just before its warehouse transaction commits.
///
/// A run that dies after the commit but before every staged file was moved into place leaves this
/// journal behind; the next run of the same pipeline under the same root finishes those moves first,
/// so files and warehouse agree again.
struct CommitJournal {
    let path: String

    init(root: String, pipeline: String) {
        path = (root as NSString).appendingPathComponent(".tally/journal/\(pipeline).json")
    }

    /// Records the moves `(staged, final)` durably.
    func write(_ moves: [(staged: String, final: String)]) throws {
        let entries = moves.map { ["staged": $0.staged, "final": $0.final] }
        let data = try JSONSerialization.data(withJSONObject: ["version": 1, "moves": entries], options: [.sortedKeys])
        let file = try AtomicFileWriter(path: path)
        try file.write(data)
        try file.commit()
    }

    /// Finishes the moves of an interrupted run, if any; returns how many were pending.
    @discardableResult
    func recover() throws -> Int {
        guard let data = FileManager.default.contents(atPath: path) else { return 0 }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let moves = object["moves"] as? [[String: String]] else {
            throw RuntimeError("the commit journal `\(path)` is unreadable",
                               hint: "an earlier run was interrupted while publishing; check its outputs, then delete the journal")
        }
        for move in moves {
            guard let staged = move["staged"], let final = move["final"] else { continue }
            try StagedMove.publish(staged, to: final)
        }
        remove()
        return moves.count
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}
