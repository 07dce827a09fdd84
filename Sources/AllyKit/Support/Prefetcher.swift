import Foundation

/// Produces a sequence on a second thread, a bounded queue ahead of the thread reading it, so
/// that producing (parsing a script, reading a CSV file) and consuming (running statements,
/// validating and storing rows) overlap on two cores. Elements come out in the order they
/// were produced; the reader calls `finish` when done, which also stops a producer that is
/// still going (a run that ends early).
enum Prefetching {
    /// Inputs (scripts, CSV files) of at least this many bytes are worth a second thread;
    /// smaller ones run on one, as before.
    static let minimumBytes = 1 << 20
}

/// How much optional work a producer should do per element so that neither thread idles: an
/// import's reading thread can build rows itself or leave them to the importing thread, and
/// the busier of the two should do less. Adjusted at each hand-over from who waited on whom;
/// touched only by the producing thread.
final class ProducerPace: @unchecked Sendable {
    /// The share of elements the producer does the optional work for, in steps of 1/32.
    private(set) var share = 1.0
    private var credit = 0.0
    /// Whether `share` stays as it was set (tests).
    private let fixed: Bool

    /// Adjusted from 1 (all of it), or `fixed` at a share.
    init(fixed share: Double? = nil) {
        self.share = share ?? 1
        self.fixed = share != nil
    }

    /// The reader waited on an empty queue (it has time to spare: the producer does less), or
    /// the producer waited on a full one (the reader is the slower: the producer does more).
    func handedOver(readerWaited: Bool, producerWaited: Bool) {
        if fixed { return }
        if readerWaited { share = max(0, share - 1.0 / 32) } else if producerWaited { share = min(1, share + 1.0 / 32) }
    }

    /// Whether the producer does the optional work for its next element (spread evenly).
    func takesNext() -> Bool {
        credit += share
        guard credit >= 1 else { return false }
        credit -= 1
        return true
    }
}

final class Prefetcher<Element>: @unchecked Sendable {
    /// Elements handed over per lock: the threads meet once per batch, not per element.
    let batchSize: Int
    /// Elements produced ahead at most.
    let capacity: Int

    private let condition = NSCondition()
    /// Produced, not yet taken (guarded by `condition`).
    private var queue: [Element] = []
    private var finished = false
    private var cancelled = false
    private var consumerWaiting = false
    private var producerWaiting = false
    /// Elements already read, handed back so that the producing thread frees them (a syntax
    /// tree's nodes, a row's strings) instead of the reading one (guarded by `condition`).
    private var spent: [Element] = []
    private let done = DispatchSemaphore(value: 0)
    /// Told at each hand-over who waited on whom (producing thread only).
    private let pace: ProducerPace
    /// Taken by the reading thread (only it touches these).
    private var taken: [Element] = []
    private var next = 0

    /// Starts `produce` on a new thread; it calls `emit` with each element in order and stops
    /// when `emit` returns false (the reader has finished).
    convenience init(batchSize: Int = 64, capacity: Int = 512, produce: @escaping @Sendable (_ emit: (Element) -> Bool) -> Void) {
        self.init(batchSize: batchSize, capacity: capacity, pace: ProducerPace()) { emit, _ in produce(emit) }
    }

    /// The same, and `produce` is told (through `pace`) how much optional work to do.
    init(batchSize: Int = 64, capacity: Int = 512, pace: ProducerPace = ProducerPace(),
         produce: @escaping @Sendable (_ emit: (Element) -> Bool, _ pace: ProducerPace) -> Void) {
        self.batchSize = batchSize
        self.capacity = capacity
        self.pace = pace
        let thread = Thread { [self] in
            var batch: [Element] = []
            var going = true
            produce({ element in
                guard going else { return false }
                batch.append(element)
                if batch.count >= self.batchSize { going = self.hand(&batch, last: false) }
                return going
            }, pace)
            if going { _ = hand(&batch, last: true) }
            done.signal()
        }
        // Parsing deeply nested statements recurses; give the thread the main thread's room.
        thread.stackSize = 16 << 20
        thread.start()
    }

    /// Moves a batch into the queue (waiting while it is full); false once the reader finished.
    private func hand(_ batch: inout [Element], last: Bool) -> Bool {
        condition.lock()
        var waited = false
        while queue.count >= capacity, !cancelled {
            waited = true
            producerWaiting = true
            condition.wait()
            producerWaiting = false
        }
        if cancelled {
            condition.unlock()
            return false
        }
        queue.append(contentsOf: batch)
        if last { finished = true }
        let readerWaited = consumerWaiting
        if consumerWaiting { condition.signal() }
        var garbage: [Element] = []
        swap(&garbage, &spent)
        condition.unlock()
        garbage.removeAll()
        batch.removeAll(keepingCapacity: true)
        pace.handedOver(readerWaited: readerWaited, producerWaited: waited)
        return true
    }

    /// The next element, or nil when the producer is done and everything was read.
    func nextElement() -> Element? {
        if next < taken.count {
            defer { next += 1 }
            return taken[next]
        }
        condition.lock()
        while queue.isEmpty, !finished {
            consumerWaiting = true
            condition.wait()
            consumerWaiting = false
        }
        spent.append(contentsOf: taken)
        taken = queue
        queue = []
        next = 0
        if producerWaiting { condition.signal() }
        condition.unlock()
        guard !taken.isEmpty else { return nil }
        next = 1
        return taken[0]
    }

    /// Stops the producer and waits for its thread to end (call once, when done reading).
    func finish() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
        done.wait()
    }
}

/// A large script's statements, read on a second thread while the ones before run: definitions
/// decoded into their entities (`DefinitionDecoder`), the rest parsed. They come out exactly as
/// `ScriptReader` gives them; the running thread then looks up the entities a definition names
/// and stores it. Decoding is the reading thread's optional work: while the running thread
/// waits on it, it leaves some definitions undecoded (`ScriptItem.undecoded`) for the running
/// thread to read, as many as keep the two equally busy.
final class StatementPrefetcher: @unchecked Sendable {
    private let prefetcher: Prefetcher<ScriptItem>

    /// `decodedShare`: the share of definitions the reading thread decodes, fixed (tests);
    /// nil adjusts it as the run goes.
    init(file: SourceFile, decodesDefinitions: Bool = true, decodedShare: Double? = nil) {
        // Definitions are small and many: larger batches than the default, fewer hand-overs.
        prefetcher = Prefetcher(batchSize: 256, capacity: 2_048, pace: ProducerPace(fixed: decodedShare)) { emit, pace in
            var reader = ScriptReader(file: file, decodesDefinitions: decodesDefinitions)
            // Pages of a mapped script well behind the statements read are handed back now and
            // then (the running statements hold their own copies of names and literals; those
            // left undecoded are read again from the file should their pages be gone).
            var released = 0
            let behind = 8 << 20
            while let item = reader.next(decoding: pace.takesNext()) {
                if let start = item.start, start - behind - released >= 1 << 20, file.isMapped {
                    file.releasePages(released..<(start - behind))
                    released = start - behind
                }
                if !emit(item) { return }
            }
        }
    }

    func next() -> ScriptItem? { prefetcher.nextElement() }
    func finish() { prefetcher.finish() }
}
