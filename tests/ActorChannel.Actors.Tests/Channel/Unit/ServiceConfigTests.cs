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
}
