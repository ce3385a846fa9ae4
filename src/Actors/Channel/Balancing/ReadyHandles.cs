using Grpc.Core;
using ActorChannel.Client.Picking;

namespace ActorChannel.Client.Balancing;

/// <summary>
/// The READY subchannels round_robin's pickers rotate over. Pickers share one array and each reads only the prefix
/// it was given, so a subchannel that becomes READY is written past every published prefix instead of copying the
/// array: a large update whose subchannels come up in hundreds of bursts costs O(subchannels), not a full array per
/// burst. A subchannel leaving READY (or removed) cannot be taken out of a shared array, so it starts a fresh one,
/// built once at the next snapshot however many left.
/// </summary>
internal sealed class ReadyHandles
{
    private SubchannelHandle[] _items = [];
    private int _count;
    private int _snapshotCount = -1;
    private bool _rebuild = true;

    /// <summary>True when a snapshot now would differ from the last one.</summary>
    public bool Changed => _rebuild || _count != _snapshotCount;

    /// <summary>A subchannel has just become READY.</summary>
    public void Add(SubchannelHandle handle)
    {
        if (_rebuild)
        {
            // The rebuild reads every READY subchannel from the list, this one included.
            return;
        }

        if (_count == _items.Length)
        {
            // Published pickers keep the old array; only this one is written from here on.
            var grown = new SubchannelHandle[Math.Max(4, _items.Length * 2)];
            Array.Copy(_items, grown, _count);
            _items = grown;
        }

        _items[_count++] = handle;
    }

    /// <summary>A subchannel has left READY, or may have been removed: the next snapshot is built afresh.</summary>
    public void Invalidate() => _rebuild = true;

    /// <summary>The READY handles for a new picker: it must read only <c>Items[0..Count)</c>.</summary>
    public (SubchannelHandle[] Items, int Count) Snapshot(IReadOnlyList<Subchannel> subchannels)
    {
        if (_rebuild)
        {
            int count = 0;
            foreach (var sc in subchannels)
            {
                count += sc.State == ConnectivityState.Ready ? 1 : 0;
            }

            // A fresh array: the one published pickers hold is never written again.
            _items = new SubchannelHandle[count];
            _count = 0;
            foreach (var sc in subchannels)
            {
                if (sc.State == ConnectivityState.Ready)
                {
                    _items[_count++] = sc.Handle;
                }
            }

            _rebuild = false;
        }

        _snapshotCount = _count;
        return (_items, _count);
    }
}
