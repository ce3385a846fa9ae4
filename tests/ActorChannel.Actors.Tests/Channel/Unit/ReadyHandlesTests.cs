using ActorChannel.Client.Balancing;
using ActorChannel.Client.Picking;
using Grpc.Core;
using Xunit;

namespace ActorChannel.Actors.Tests.Client.Unit;

/// <summary>round_robin's READY list: pickers share its array, so what one picker reads must never change.</summary>
public class ReadyHandlesTests
{
    private static readonly PickInfo FailFast = new("/s/m", WaitForReady: false);

    private static Subchannel Ready(int id) =>
        new(PickerTests.Handle(id), () => { }) { State = ConnectivityState.Ready };

    [Fact]
    public void A_subchannel_coming_up_is_appended_past_the_published_prefix_without_a_copy()
    {
        var list = new List<Subchannel> { Ready(1) };
        var ready = new ReadyHandles();
        var (first, firstCount) = ready.Snapshot(list);
        var firstPicker = new RoundRobinPicker(first, firstCount, 0);

        list.Add(Ready(2));
        ready.Add(list[1].Handle);
        list.Add(Ready(3));
        ready.Add(list[2].Handle);
        var (second, secondCount) = ready.Snapshot(list);
        list.Add(Ready(4));
        ready.Add(list[3].Handle);
        var (third, thirdCount) = ready.Snapshot(list);

        Assert.Equal(3, secondCount);
        Assert.Equal(4, thirdCount);
        Assert.Same(second, third);
        Assert.Equal([1L, 2L, 3L, 4L], third.Take(thirdCount).Select(h => h.Id));
        // The first picker still rotates over the one subchannel it was given.
        Assert.All(Enumerable.Range(0, 10), _ => Assert.Equal(1, firstPicker.Pick(FailFast).Subchannel!.Id));
        var secondPicker = new RoundRobinPicker(second, secondCount, 0);
        Assert.Equal([1L, 2L, 3L, 1L], Enumerable.Range(0, 4).Select(_ => secondPicker.Pick(FailFast).Subchannel!.Id));
    }

    [Fact]
    public void A_subchannel_leaving_READY_starts_a_fresh_array_and_leaves_the_old_one_as_it_was()
    {
        var list = new List<Subchannel> { Ready(1), Ready(2), Ready(3) };
        var ready = new ReadyHandles();
        var (before, beforeCount) = ready.Snapshot(list);

        list[1].State = ConnectivityState.Idle;
        ready.Invalidate();
        var (after, afterCount) = ready.Snapshot(list);

        Assert.NotSame(before, after);
        Assert.Equal([1L, 2L, 3L], before.Take(beforeCount).Select(h => h.Id));
        Assert.Equal([1L, 3L], after.Take(afterCount).Select(h => h.Id));

        // Appends after the rebuild go to the fresh array, never to the one the older picker reads.
        list[1].State = ConnectivityState.Ready;
        ready.Add(list[1].Handle);
        var (again, againCount) = ready.Snapshot(list);
        Assert.Equal([1L, 3L, 2L], again.Take(againCount).Select(h => h.Id));
        Assert.Equal([1L, 2L, 3L], before.Take(beforeCount).Select(h => h.Id));
    }

    [Fact]
    public void Nothing_changed_is_seen_without_walking_the_list()
    {
        var list = new List<Subchannel> { Ready(1), Ready(2) };
        var ready = new ReadyHandles();
        Assert.True(ready.Changed);

        ready.Snapshot(list);
        Assert.False(ready.Changed);

        list.Add(Ready(3));
        ready.Add(list[2].Handle);
        Assert.True(ready.Changed);
        ready.Snapshot(list);
        Assert.False(ready.Changed);

        ready.Invalidate();
        Assert.True(ready.Changed);
    }

    [Fact]
    public void A_picker_refuses_a_count_outside_its_array()
    {
        var handles = new[] { PickerTests.Handle(1), PickerTests.Handle(2) };

        Assert.Throws<ArgumentException>(() => new RoundRobinPicker(handles, 0, 0));
        Assert.Throws<ArgumentException>(() => new RoundRobinPicker(handles, 3, 0));
    }
}
