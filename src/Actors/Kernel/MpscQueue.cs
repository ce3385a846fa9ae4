namespace ActorChannel.Kernel;

/// <summary>
/// Lock-free multi-producer, single-consumer FIFO. Each segment is a ring whose slots carry a sequence
/// number (the bounded-queue scheme of D. Vyukov); while a mailbox keeps up, the one ring is reused
/// forever, so steady-state enqueues allocate nothing. A full ring is frozen and a ring twice its size
/// is linked after it. Starts small to keep idle actors cheap.
/// </summary>
internal sealed class MpscQueue<T>
{
    private const int InitialCapacity = 8;
    private const int MaxCapacity = 16 * 1024;

    private Segment _head;   // consumer only
    private Segment _tail;   // producers

    public MpscQueue()
    {
        _head = _tail = new Segment(InitialCapacity);
    }

    public void Enqueue(T item)
    {
        while (true)
        {
            var tail = Volatile.Read(ref _tail);
            if (tail.TryEnqueue(item))
            {
                return;
            }

            Grow(tail);
        }
    }

    /// <summary>Consumer only. False when empty or when the next item is reserved but not yet published.</summary>
    public bool TryDequeue(out T item)
    {
        var head = _head;
        while (true)
        {
            if (head.TryDequeue(out item))
            {
                return true;
            }

            var next = Volatile.Read(ref head.Next);
            if (next is null || !head.IsDrained)
            {
                return false;
            }

            _head = head = next;
        }
    }

    /// <summary>
    /// Consumer only. Counts reserved slots, not just published ones: a producer reserves with an interlocked
    /// operation before it reads the mailbox status, so a consumer that goes idle and then checks here cannot
    /// miss an item whose producer saw the mailbox still running (the store-load race of a lost wake-up).
    /// May say true for an item still being published; the caller then simply runs again.
    /// </summary>
    public bool HasItems()
    {
        for (var segment = _head; segment is not null; segment = Volatile.Read(ref segment.Next))
        {
            if (segment.HasReservedItems)
            {
                return true;
            }
        }

        return false;
    }

    private void Grow(Segment full)
    {
        if (Volatile.Read(ref full.Next) is null)
        {
            // Freeze first: once a successor exists, nobody may add to the old ring, or FIFO breaks.
            full.Freeze();
            var bigger = new Segment(Math.Min(full.Capacity * 2, MaxCapacity));
            Interlocked.CompareExchange(ref full.Next, bigger, null);
        }

        Interlocked.CompareExchange(ref _tail, full.Next!, full);
    }

    private struct Slot
    {
        public T Item;
        public int Sequence;
    }

    private sealed class Segment
    {
        public Segment? Next;
        private readonly Slot[] _slots;
        private readonly int _mask;
        private readonly int _freezeOffset;
        private int _enqueuePosition;
        private int _dequeuePosition;
        private int _frozen;

        public Segment(int capacity)
        {
            _slots = new Slot[capacity];
            _mask = capacity - 1;
            _freezeOffset = capacity * 2;
            for (var i = 0; i < capacity; i++)
            {
                _slots[i].Sequence = i;
            }
        }

        public int Capacity => _slots.Length;

        public bool HasReservedItems
        {
            get
            {
                var reserved = Volatile.Read(ref _enqueuePosition);
                if (Volatile.Read(ref _frozen) != 0)
                {
                    reserved -= _freezeOffset;   // may be read before the offset lands: a harmless false "yes"
                }

                return reserved != _dequeuePosition;
            }
        }

        /// <summary>Frozen and every reserved slot consumed.</summary>
        public bool IsDrained =>
            Volatile.Read(ref _frozen) != 0 && _dequeuePosition == Volatile.Read(ref _enqueuePosition) - _freezeOffset;

        public bool TryEnqueue(T item)
        {
            var slots = _slots;
            while (true)
            {
                var position = Volatile.Read(ref _enqueuePosition);
                ref var slot = ref slots[position & _mask];
                var difference = Volatile.Read(ref slot.Sequence) - position;
                if (difference == 0)
                {
                    if (Interlocked.CompareExchange(ref _enqueuePosition, position + 1, position) == position)
                    {
                        slot.Item = item;
                        Volatile.Write(ref slot.Sequence, position + 1);
                        return true;
                    }
                }
                else if (difference < 0)
                {
                    return false;   // full, or frozen (the freeze offset puts the position far ahead)
                }
            }
        }

        public bool TryDequeue(out T item)
        {
            var position = _dequeuePosition;
            ref var slot = ref _slots[position & _mask];
            if (Volatile.Read(ref slot.Sequence) != position + 1)
            {
                item = default!;
                return false;
            }

            item = slot.Item;
            slot.Item = default!;
            _dequeuePosition = position + 1;
            Volatile.Write(ref slot.Sequence, position + _slots.Length);
            return true;
        }

        public void Freeze()
        {
            if (Interlocked.CompareExchange(ref _frozen, 1, 0) == 0)
            {
                Interlocked.Add(ref _enqueuePosition, _freezeOffset);
            }
        }
    }
}
