using ActorChannel.Resolution;
using ActorChannel.Resolution.Etcd;
using Grpc.Core;
using Xunit;

namespace ActorChannel.Actors.Tests.Resolution.Etcd;

public class EtcdTargetTests
{
    [Theory]
    [InlineData("etcd:///services/greeter", "http://127.0.0.1:2379/", "services/greeter")]
    [InlineData("etcd://10.1.1.1/svc", "http://10.1.1.1:2379/", "svc")]
    [InlineData("etcd://127.0.0.1:1,127.0.0.2:2/a/b/", "http://127.0.0.1:1/ http://127.0.0.2:2/", "a/b")]
    public void Members_default_to_loopback_2379_and_the_prefix_is_the_path(string text, string members, string prefix)
    {
        var target = ResolverRegistry.CreateDefault().Resolve(text, "dns", out var factory);
        Assert.Equal("etcd", factory.Scheme);

        var parsed = EtcdTarget.From(target);

        Assert.Equal(members, string.Join(' ', parsed.Endpoints));
        Assert.Equal(prefix, parsed.Prefix);
        Assert.Equal(prefix.Split('/')[^1], factory.GetDefaultAuthority(target));
    }

    [Theory]
    [InlineData("etcd://127.0.0.1:2379/", "etcd needs a key prefix")]
    [InlineData("etcd://127.0.0.1:2379,/svc", "empty entry")]
    [InlineData("etcd://127.0.0.1:99999/svc", "port '99999'")]
    public void Bad_targets_fail_naming_the_part(string text, string says)
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => new EtcdResolverFactory().Create(ChannelTarget.Parse(text), new RecordingContext().Context));

        Assert.Contains(says, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json", "is not an endpoint record")]
    [InlineData("""{"Op":0}""", "has no Addr")]
    [InlineData("""{"Op":1,"Addr":"127.0.0.1:1"}""", "has Op 1")]
    [InlineData("""{"Op":0,"Addr":"127.0.0.1"}""", "is not host:port")]
    public void Bad_values_are_errors_naming_the_key(string value, string says)
    {
        var error = Assert.Throws<FormatException>(() => EtcdEndpointRecord.Parse("p/k", System.Text.Encoding.UTF8.GetBytes(value)));

        Assert.Contains("'p/k'", error.Message, StringComparison.Ordinal);
        Assert.Contains(says, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Records_are_written_in_etcds_naming_format()
    {
        Assert.Equal("""{"Op":0,"Addr":"127.0.0.1:5001","Metadata":null}""", new EtcdEndpointRecord(0, "127.0.0.1:5001", null).ToJson());
    }
}
