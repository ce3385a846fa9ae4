namespace ActorChannel.Resolution;

/// <summary>
/// How an answer asks to be looked at again (<see cref="ResolutionResult.Refresh"/>): after <see cref="After"/>,
/// and while such a look fails, again every <see cref="AfterFailure"/>. Both on the channel's clock.
/// </summary>
public sealed record RefreshSchedule
{
    /// <param name="after">How long the answer holds; positive.</param>
    /// <param name="afterFailure">The wait after a failed refresh; positive; <paramref name="after"/> when not given.</param>
    public RefreshSchedule(TimeSpan after, TimeSpan? afterFailure = null)
    {
        // Zero would make the resolver actor ask again as soon as it is answered, for ever.
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(after, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(afterFailure ?? after, TimeSpan.Zero, nameof(afterFailure));
        After = after;
        AfterFailure = afterFailure ?? after;
    }

    public TimeSpan After { get; }

    public TimeSpan AfterFailure { get; }
}
