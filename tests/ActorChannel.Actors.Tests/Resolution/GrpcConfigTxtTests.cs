using ActorChannel.Resolution;
using ActorChannel.Transport;
using Xunit;

namespace ActorChannel.Actors.Tests.Resolution;

public class GrpcConfigTxtTests
{
    private const string Rr = """{"loadBalancingPolicy":"round_robin"}""";

    [Theory]
    [InlineData("""grpc_config=[{"serviceConfig":{"loadBalancingPolicy":"round_robin"}}]""", Rr)]
    [InlineData("""grpc_config=[{"clientLanguage":["go"],"serviceConfig":{}},{"serviceConfig":{"loadBalancingPolicy":"round_robin"}}]""", Rr)]
    [InlineData("""grpc_config=[{"clientHostname":["other-host"],"serviceConfig":{}}]""", null)]
    [InlineData("""grpc_config=[{"clientHostname":["ME"],"serviceConfig":{"loadBalancingPolicy":"round_robin"}}]""", Rr)]
    [InlineData("""grpc_config=[{"percentage":0,"serviceConfig":{}}]""", null)]
    [InlineData("""grpc_config=[{"percentage":100,"serviceConfig":{"loadBalancingPolicy":"round_robin"}}]""", Rr)]
    [InlineData("grpc_config=[]", null)]
    public void The_first_choice_that_matches_this_client_wins(string record, string? expected)
    {
        Assert.Equal(expected, GrpcConfigTxt.Select(record, "me", roll: 99));
    }

    [Theory]
    [InlineData("grpc_config={", "malformed")]
    [InlineData("""grpc_config={"serviceConfig":{}}""", "must be a JSON list")]
    [InlineData("""grpc_config=[{"serviceConfig":{}},{"colour":1,"serviceConfig":{}}]""", "choice 1 has the unknown field 'colour'")]
    [InlineData("""grpc_config=[{"percentage":101,"serviceConfig":{}}]""", "percentage")]
    [InlineData("""grpc_config=[{"clientLanguage":"csharp","serviceConfig":{}}]""", "clientLanguage that is not a list of strings")]
    [InlineData("""grpc_config=[{"clientLanguage":["csharp"]}]""", "choice 0 has no serviceConfig object")]
    [InlineData("""grpc_conf=[]""", "does not start with 'grpc_config='")]
    public void A_malformed_record_is_an_error_saying_what_is_wrong(string record, string says)
    {
        var error = Assert.Throws<FormatException>(() => GrpcConfigTxt.Select(record, "me", roll: 0));

        Assert.Contains(says, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Hosts_file_names_are_matched_by_whole_field_ignoring_comments_and_case()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(path, ["127.0.0.1 localhost", "10.0.0.5\tdb.internal DB2 # cache.internal", "# 10.0.0.6 old.internal"]);

            Assert.True(HostsFile.Lists(path, "db.internal"));
            Assert.True(HostsFile.Lists(path, "db2."));
            Assert.False(HostsFile.Lists(path, "cache.internal"));
            Assert.False(HostsFile.Lists(path, "old.internal"));
            Assert.False(HostsFile.Lists(path, "10.0.0.5"));
            Assert.False(HostsFile.Lists(path + ".missing", "db.internal"));
            Assert.True(HostsFile.IsLocalhost("api.localhost"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Address_attributes_do_not_change_equality_so_balancers_keep_their_subchannels()
    {
        var plain = TransportAddress.Tcp("127.0.0.1", 5001);
        var weighted = plain.WithAttribute(DnsAddressAttributes.SrvWeight, "10");

        Assert.Equal(plain, weighted);
        Assert.Equal(plain.GetHashCode(), weighted.GetHashCode());
        Assert.Empty(plain.Attributes);
        Assert.Equal("10", weighted.Attributes[DnsAddressAttributes.SrvWeight]);
        Assert.NotEqual(plain, TransportAddress.Tcp("127.0.0.1", 5002));
    }
}
