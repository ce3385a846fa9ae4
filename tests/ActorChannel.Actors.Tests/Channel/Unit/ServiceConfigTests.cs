using ActorChannel.Client.Config;
using Xunit;

namespace ActorChannel.Actors.Tests.Client.Unit;

public class ServiceConfigTests
{
    private static bool Known(string name) => name is "pick_first" or "round_robin";

    [Fact]
    public void First_supported_load_balancing_config_wins()
    {
        var c = ServiceConfigParser.Parse("""{"loadBalancingConfig":[{"grpclb":{}},{"round_robin":{}},{"pick_first":{}}]}""", Known);
        Assert.Equal("round_robin", c.LoadBalancingPolicy);
    }

    [Fact]
    public void Legacy_policy_is_accepted_case_insensitively() =>
        Assert.Equal("round_robin", ServiceConfigParser.Parse("""{"loadBalancingPolicy":"ROUND_ROBIN"}""", Known).LoadBalancingPolicy);

    [Fact]
    public void No_policy_means_default() => Assert.Null(ServiceConfigParser.Parse("{}", Known).LoadBalancingPolicy);

    [Theory]
    [InlineData("""{"loadBalancingConfig":[{"weird":{}}]}""", "weird")]
    [InlineData("""{"loadBalancingPolicy":"nope"}""", "nope")]
    [InlineData("""{"loadBalancingConfig":{}}""", "loadBalancingConfig must be an array")]
    [InlineData("""[1]""", "must be a JSON object")]
    [InlineData("""{"methodConfig":[{"timeout":"abc"}]}""", "methodConfig[0].timeout")]
    [InlineData("""{"methodConfig":[{"waitForReady":"yes"}]}""", "methodConfig[0].waitForReady")]
    [InlineData("""{"methodConfig":[{"name":[{"method":"M"}]}]}""", "without a service")]
    [InlineData("""{not json""", "not valid JSON")]
    // A name of the wrong type was read as empty, so it became the default config for every method.
    [InlineData("""{"methodConfig":[{"name":[{"service":5}],"timeout":"1s"}]}""", "methodConfig[0].name[0].service must be a string, got 5")]
    [InlineData("""{"methodConfig":[{"name":[{"service":"S","method":5}]}]}""", "methodConfig[0].name[0].method must be a string")]
    [InlineData("""{"methodConfig":[{"name":[{"service":"a.S","method":"M"}]},{"name":[{"service":"a.S","method":"M"}]}]}""", "methodConfig[1].name[0] (\"a.S/M\") is already named")]
    [InlineData("""{"methodConfig":[{"name":[{}]},{"name":[{"service":""}]}]}""", "methodConfig[1].name[0] (the default, no service) is already named")]
    // gRFC A6: a config gRPC rejects is rejected whole, not applied without its retry parts.
    [InlineData("""{"retryThrottling":{"maxTokens":0,"tokenRatio":1},"loadBalancingConfig":[{"round_robin":{}}]}""", "retryThrottling.maxTokens must be a number above 0 and at most 1000, got 0")]
    [InlineData("""{"retryThrottling":{"maxTokens":1001,"tokenRatio":1}}""", "retryThrottling.maxTokens")]
    [InlineData("""{"retryThrottling":{"maxTokens":10,"tokenRatio":0}}""", "retryThrottling.tokenRatio must be a number above 0")]
    [InlineData("""{"retryThrottling":{"tokenRatio":0.1}}""", "retryThrottling.maxTokens is required")]
    [InlineData("""{"methodConfig":[{"retryPolicy":{"maxAttempts":1,"initialBackoff":"1s","maxBackoff":"2s","backoffMultiplier":2,"retryableStatusCodes":["UNAVAILABLE"]}}]}""", "methodConfig[0].retryPolicy.maxAttempts must be an integer above 1, got 1")]
    [InlineData("""{"methodConfig":[{"retryPolicy":{"maxAttempts":3,"initialBackoff":"0s","maxBackoff":"2s","backoffMultiplier":2,"retryableStatusCodes":["UNAVAILABLE"]}}]}""", "methodConfig[0].retryPolicy.initialBackoff and maxBackoff must be above 0")]
    [InlineData("""{"methodConfig":[{"retryPolicy":{"maxAttempts":3,"initialBackoff":"1s","maxBackoff":"2s","backoffMultiplier":0,"retryableStatusCodes":["UNAVAILABLE"]}}]}""", "methodConfig[0].retryPolicy.backoffMultiplier must be a number above 0")]
    [InlineData("""{"methodConfig":[{"retryPolicy":{"maxAttempts":3,"initialBackoff":"1s","maxBackoff":"2s","backoffMultiplier":2,"retryableStatusCodes":[]}}]}""", "methodConfig[0].retryPolicy.retryableStatusCodes must be a non-empty array")]
    [InlineData("""{"methodConfig":[{"retryPolicy":{"maxAttempts":3,"initialBackoff":"1s","maxBackoff":"2s","backoffMultiplier":2,"retryableStatusCodes":["NOT_A_CODE"]}}]}""", "has \"NOT_A_CODE\", which is not a status code")]
    [InlineData("""{"methodConfig":[{"retryPolicy":{"maxAttempts":3,"initialBackoff":"1s","backoffMultiplier":2,"retryableStatusCodes":[14]}}]}""", "methodConfig[0].retryPolicy.maxBackoff is required")]
    [InlineData("""{"methodConfig":[{"retryPolicy":{"maxAttempts":3,"initialBackoff":"1s","maxBackoff":null,"backoffMultiplier":2,"retryableStatusCodes":[14]}}]}""", "methodConfig[0].retryPolicy.maxBackoff is required")]
    // Protobuf JSON writes an enum by its exact name (statuscodes.md), as C-core reads it.
    [InlineData("""{"methodConfig":[{"retryPolicy":{"maxAttempts":3,"initialBackoff":"1s","maxBackoff":"2s","backoffMultiplier":2,"retryableStatusCodes":["Unavailable"]}}]}""", "has \"Unavailable\", which is not a status code")]
    [InlineData("""{"methodConfig":[{"retryPolicy":{"maxAttempts":3,"initialBackoff":"1s","maxBackoff":"2s","backoffMultiplier":2,"retryableStatusCodes":[17]}}]}""", "has 17, which is not a status code")]
    [InlineData("""{"methodConfig":[{"retryPolicy":{"maxAttempts":3,"initialBackoff":"1s","maxBackoff":"2s","backoffMultiplier":2,"retryableStatusCodes":[14]},"hedgingPolicy":{"maxAttempts":2}}]}""", "both a retryPolicy and a hedgingPolicy")]
    public void Bad_configs_name_the_problem(string json, string expected)
    {
        Assert.False(ServiceConfigParser.TryParse(json, Known, out var config, out var error));
        Assert.Null(config);
        Assert.Contains(expected, error);
    }

    [Fact]
    public void Method_config_lookup_prefers_exact_then_service_then_default()
    {
        var c = ServiceConfigParser.Parse("""
            {"methodConfig":[
              {"name":[{}], "timeout":"9s"},
              {"name":[{"service":"pkg.S"}], "waitForReady":true, "timeout":"1.5s"},
              {"name":[{"service":"pkg.S","method":"M"}], "waitForReady":false, "maxRequestMessageBytes":"1024", "maxResponseMessageBytes":2048}
            ]}
            """, Known);
        var exact = c.FindMethodConfig("pkg.S", "M")!;
        Assert.False(exact.WaitForReady);
        Assert.Equal(1024, exact.MaxRequestMessageBytes);
        Assert.Equal(2048, exact.MaxResponseMessageBytes);
        var service = c.FindMethodConfig("pkg.S", "Other")!;
        Assert.True(service.WaitForReady);
        Assert.Equal(TimeSpan.FromSeconds(1.5), service.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(9), c.FindMethodConfig("other.S", "M")!.Timeout);
    }

    [Fact]
    public void A_retry_policy_and_throttling_are_read_with_attempts_capped_at_5()
    {
        var c = ServiceConfigParser.Parse("""
            {"retryThrottling":{"maxTokens":10,"tokenRatio":0.1},
             "methodConfig":[{"name":[{"service":"pkg.S"}],
               "retryPolicy":{"maxAttempts":10,"initialBackoff":"0.1s","maxBackoff":"1s","backoffMultiplier":2,
                              "retryableStatusCodes":["UNAVAILABLE","DEADLINE_EXCEEDED",8]}}]}
            """, Known);

        var retry = c.FindMethodConfig("pkg.S", "M")!.RetryPolicy!;
        Assert.Equal(5, retry.MaxAttempts);
        Assert.Equal(TimeSpan.FromSeconds(0.1), retry.InitialBackoff);
        Assert.Equal(TimeSpan.FromSeconds(1), retry.MaxBackoff);
        Assert.Equal(2, retry.BackoffMultiplier);
        Assert.Equal([Grpc.Core.StatusCode.Unavailable, Grpc.Core.StatusCode.DeadlineExceeded, Grpc.Core.StatusCode.ResourceExhausted], retry.RetryableStatusCodes);
        Assert.Equal(new RetryThrottling(10, 0.1), c.RetryThrottling);
    }

    [Fact]
    public void One_config_may_name_a_service_and_its_methods_apart()
    {
        var c = ServiceConfigParser.Parse("""
            {"methodConfig":[
              {"name":[{"service":"a.S"},{"service":"b.S","method":"M"}], "timeout":"1s"},
              {"name":[{"service":"a.S","method":"M"},{"service":"b.S"}], "timeout":"2s"}
            ]}
            """, Known);

        Assert.Equal(TimeSpan.FromSeconds(2), c.FindMethodConfig("a.S", "M")!.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(1), c.FindMethodConfig("a.S", "Other")!.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(1), c.FindMethodConfig("b.S", "M")!.Timeout);
        Assert.Null(c.FindMethodConfig("c.S", "M"));
    }

    [Fact]
    public void Null_retry_parts_are_not_set()
    {
        var c = ServiceConfigParser.Parse("""
            {"retryThrottling":null,
             "methodConfig":[{"name":[{"service":"pkg.S","method":null}],"retryPolicy":null,"hedgingPolicy":{"maxAttempts":2},"timeout":"1s"}]}
            """, Known);

        Assert.Null(c.RetryThrottling);
        var mc = c.FindMethodConfig("pkg.S", "Any")!;
        Assert.Null(mc.RetryPolicy);
        Assert.Equal(TimeSpan.FromSeconds(1), mc.Timeout);
    }
}
