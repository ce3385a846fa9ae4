using ActorChannel.Transport.Tests.Infrastructure;
using Xunit;

namespace ActorChannel.Transport.Tests.Calls;

/// <summary>A call whose request never left because the owner closed the transport first is not processed.</summary>
public class LocalCloseCallTests
{
    [Fact]
    public async Task Close_while_call_credentials_are_pending_fails_the_call_as_not_processed()
    {
        await using var server = await TestServer.StartAsync(new TestService().Map);
        var t = await LifetimeCallTests.Connect(server, new TransportOptions { UnsafeUseInsecureChannelCallCredentials = true });
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var creds = CallCredentials.FromInterceptor(async (_, md) =>
        {
            entered.TrySetResult();
            await release.Task;
            md.Add("authorization", "Bearer t");
        });
        var call = t.Invoker.AsyncUnaryCall(TestMethods.Unary(), null, TestMethods.Safe.WithCredentials(creds), "m");
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await t.CloseAsync();
        release.TrySetResult();
        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
        Assert.True(CallFailures.NotProcessed(ex), ex.Status.ToString());
        Assert.Contains("not sent", ex.Status.Detail);
        Assert.Equal(0, t.ActiveCalls);
    }
}
