// s3_listing.hpp: ListBuckets / ListObjectsV2 / DeleteObjects requests and answers, sans-IO.
// The answers are AWS's documented examples
// (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html, API_ListBuckets.html,
// API_DeleteObjects.html), trimmed, plus the url-encoded form S3 sends for encoding-type=url.

#include <catch2/catch.hpp>

#include <urlmint/s3_listing.hpp>

using namespace urlmint;

TEST_CASE("ListObjectsV2 query: list-type=2, encoding-type=url and only the fields that are set") {
  s3::list_objects_request r;
  auto q = s3::list_objects_v2_query(r);
  REQUIRE(q.size() == 2);
  CHECK(q[0].name == "list-type");
  CHECK(q[0].value == "2");
  CHECK(q[1].name == "encoding-type");
  CHECK(q[1].value == "url");
  r.prefix = "charts/";
  r.delimiter = "/";
  r.continuation_token = "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=";
  r.max_keys = 100;
  q = s3::list_objects_v2_query(r);
  REQUIRE(q.size() == 6);
  CHECK(q[2].name == "prefix");
  CHECK(q[3].name == "delimiter");
  CHECK(q[4].name == "continuation-token");
  CHECK(q[5].value == "100");
  r.max_keys = 1001;
  CHECK_THROWS_AS(s3::list_objects_v2_query(r), error);
}

TEST_CASE("ListObjectsV2 answer: objects, common prefixes, truncation and the next token") {
  const std::string xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>bucket</Name><Prefix/>"
      "<NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>"
      "<KeyCount>3</KeyCount><MaxKeys>3</MaxKeys><Delimiter>/</Delimiter><IsTruncated>true</IsTruncated>"
      "<Contents><Key>happyface.jpg</Key><LastModified>2014-11-21T19:40:05.000Z</LastModified>"
      "<ETag>&quot;70ee1738b6b21e2c8a43f3a5ab0eee71&quot;</ETag><Size>11</Size><StorageClass>STANDARD</StorageClass></Contents>"
      "<Contents><Key>a&amp;b.png</Key><LastModified>2014-05-02T04:51:50.000Z</LastModified>"
      "<ETag>\"becf17f89c30367a9a44495d62ed521a-1\"</ETag><Size>1111</Size><StorageClass>STANDARD</StorageClass></Contents>"
      "<CommonPrefixes><Prefix>photos/</Prefix></CommonPrefixes><CommonPrefixes><Prefix>videos/</Prefix></CommonPrefixes>"
      "</ListBucketResult>";
  const auto page = s3::parse_list_objects_v2(xml);
  REQUIRE(page.objects.size() == 2);
  CHECK(page.objects[0].key == "happyface.jpg");
  CHECK(page.objects[0].last_modified == "2014-11-21T19:40:05.000Z");
  CHECK(page.objects[0].etag == "\"70ee1738b6b21e2c8a43f3a5ab0eee71\"");
  CHECK(page.objects[0].size == 11);
  CHECK(page.objects[1].key == "a&b.png");
  CHECK(page.objects[1].size == 1111);
  CHECK(page.common_prefixes == std::vector<std::string>{"photos/", "videos/"});
  CHECK(page.truncated);

  s3::list_objects_request r;
  r.start_after = "x";
  REQUIRE(s3::next_page(r, page));
  CHECK(r.continuation_token == "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=");
  CHECK(r.start_after.empty());
  s3::list_objects_page last;
  CHECK_FALSE(s3::next_page(r, last));
}

TEST_CASE("ListObjectsV2 answer with encoding-type=url decodes keys and prefixes (+ is a space)") {
  const std::string xml =
      "<ListBucketResult><EncodingType>url</EncodingType><IsTruncated>false</IsTruncated>"
      "<Contents><Key>dir/sp+ace%2Bplus%C3%BC%0A.txt</Key><Size>0</Size></Contents>"
      "<CommonPrefixes><Prefix>a%20b/</Prefix></CommonPrefixes></ListBucketResult>";
  const auto page = s3::parse_list_objects_v2(xml);
  REQUIRE(page.objects.size() == 1);
  CHECK(page.objects[0].key == "dir/sp ace+plus\xC3\xBC\n.txt");
  CHECK(page.common_prefixes == std::vector<std::string>{"a b/"});
  CHECK_FALSE(page.truncated);
}

TEST_CASE("ListObjectsV2: answers that are not listings are errors naming the fix") {
  CHECK_THROWS_WITH(s3::parse_list_objects_v2("<html>proxy</html>"), Catch::Contains("really an S3 server"));
  CHECK_THROWS_AS(s3::parse_list_objects_v2("<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>"),
                  error);
  CHECK_THROWS_AS(
      s3::parse_list_objects_v2("<ListBucketResult><Contents><Key>k</Key><Size>-1</Size></Contents></ListBucketResult>"),
      error);
}

TEST_CASE("ListBuckets answer") {
  const std::string xml =
      "<ListAllMyBucketsResult><Buckets><Bucket><CreationDate>2019-12-11T23:32:47+00:00</CreationDate>"
      "<Name>DOC-EXAMPLE-BUCKET</Name></Bucket><Bucket><CreationDate>2019-11-10T23:32:13+00:00</CreationDate>"
      "<Name>DOC-EXAMPLE-BUCKET2</Name></Bucket></Buckets><Owner><DisplayName>Account+Name</DisplayName>"
      "<ID>AIDACKCEVSQ6C2EXAMPLE</ID></Owner></ListAllMyBucketsResult>";
  const auto b = s3::parse_list_buckets(xml);
  REQUIRE(b.size() == 2);
  CHECK(b[0].name == "DOC-EXAMPLE-BUCKET");
  CHECK(b[0].creation_date == "2019-12-11T23:32:47+00:00");
  CHECK(b[1].name == "DOC-EXAMPLE-BUCKET2");
}

TEST_CASE("ListBuckets is GET / on the service endpoint") {
  s3::config cfg;
  cfg.region = "eu-west-1";
  auto req = s3::service_request(cfg, "GET");
  CHECK(req.host == "s3.eu-west-1.amazonaws.com");
  CHECK(req.path == "/");
  cfg.endpoint_url = "http://127.0.0.1:9000/base";
  req = s3::service_request(cfg, "GET");
  CHECK(req.scheme == "http");
  CHECK(req.host == "127.0.0.1:9000");
  CHECK(req.path == "/base/");
  const credentials creds("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
  const auto signed_req = s3::sign_list_buckets(creds, cfg, *parse_amz_date("20130524T000000Z"));
  CHECK(signed_req.url == "http://127.0.0.1:9000/base/");
}

TEST_CASE("DeleteObjects body: 1..1000 keys, XML-escaped, quiet by default") {
  CHECK(s3::delete_objects_body({"a&b", "c<d"}) ==
        "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Quiet>true</Quiet>"
        "<Object><Key>a&amp;b</Key></Object><Object><Key>c&lt;d</Key></Object></Delete>");
  CHECK(s3::delete_objects_body({"k"}, false).find("<Quiet>") == std::string::npos);
  CHECK_THROWS_AS(s3::delete_objects_body({}), error);
  CHECK_NOTHROW(s3::delete_objects_body(std::vector<std::string>(1000, "k")));
  CHECK_THROWS_WITH(s3::delete_objects_body(std::vector<std::string>(1001, "k")), Catch::Contains("1 to 1000"));
}

TEST_CASE("DeleteObjects answer: deleted keys and per-key errors") {
  const std::string xml =
      "<DeleteResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Deleted><Key>sample1.txt</Key></Deleted>"
      "<Error><Key>sample2.txt</Key><Code>AccessDenied</Code><Message>Access Denied</Message></Error></DeleteResult>";
  s3::delete_result r;
  s3::parse_delete_objects(xml, r);
  CHECK(r.deleted == std::vector<std::string>{"sample1.txt"});
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].key == "sample2.txt");
  CHECK(r.errors[0].code == "AccessDenied");
  CHECK(r.errors[0].message == "Access Denied");
  CHECK_THROWS_AS(s3::parse_delete_objects("<Error><Code>AccessDenied</Code></Error>", r), error);
}
