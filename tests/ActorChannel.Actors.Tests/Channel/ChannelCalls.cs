using ActorChannel.Client;
using ActorChannel.Protos.HelloWorld;
using Grpc.Core;

namespace ActorChannel.Actors.Tests;

/// <summary>
/// Calls on a channel's own invoker (<see cref="ManagedChannel.CreateCallInvoker"/>) in the order the tests read
/// them (method, request, options), and the Greeter's name-in, message-out call on the generated client.
/// </summary>
internal static class ChannelCalls
{
    public static AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(this ManagedChannel channel, Method<TRequest, TResponse> method, TRequest request, CallOptions options)
        where TRequest : class
        where TResponse : class =>
        channel.CreateCallInvoker().AsyncUnaryCall(method, null, options, request);

    public static AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(this ManagedChannel channel, Method<TRequest, TResponse> method, TRequest request, CallOptions options)
        where TRequest : class
        where TResponse : class =>
        channel.CreateCallInvoker().AsyncServerStreamingCall(method, null, options, request);

    public static AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(this ManagedChannel channel, Method<TRequest, TResponse> method, CallOptions options)
        where TRequest : class
        where TResponse : class =>
        channel.CreateCallInvoker().AsyncClientStreamingCall(method, null, options);

    public static AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(this ManagedChannel channel, Method<TRequest, TResponse> method, CallOptions options)
        where TRequest : class
        where TResponse : class =>
        channel.CreateCallInvoker().AsyncDuplexStreamingCall(method, null, options);

    /// <summary>SayHello with <paramref name="name"/>; the reply's message.</summary>
    public static async Task<string> GreetAsync(this Greeter.GreeterClient client, string name, CallOptions options = default)
    {
        using var call = client.SayHelloAsync(new HelloRequest { Name = name }, options);
        return (await call.ResponseAsync.ConfigureAwait(false)).Message;
    }

    /// <summary>Wait-for-ready with a deadline <paramref name="within"/> from now on the real clock (for channels on the real scheduler).</summary>
    public static CallOptions WaitForReady(TimeSpan within) =>
        new CallOptions(deadline: DateTime.UtcNow + within).WithWaitForReady();
}
