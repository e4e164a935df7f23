import { lifecycleRules } from "../../../components/s3-buckets/spec";
import { providerToXml } from "../../../tools/local/s3-buckets";
import { fromXml, toXml } from "../../../tools/local/s3-client";

/** The provider-input → S3 XML mapping the live suite applies our lifecycle rules with. */
describe("S3 XML for bucket settings", () => {
  test("our lifecycle rule becomes the S3 API's LifecycleConfiguration elements", () => {
    const xml = toXml("LifecycleConfiguration", { Rule: lifecycleRules(30).map((rule) => providerToXml(rule as unknown as Record<string, unknown>)) });
    expect(xml).toContain('<LifecycleConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">');
    expect(xml).toContain(
      "<Rule><ID>expire-noncurrent-versions</ID><Status>Enabled</Status><Filter></Filter><NoncurrentVersionExpiration><NoncurrentDays>30</NoncurrentDays></NoncurrentVersionExpiration></Rule>",
    );
  });

  test("answers parse back to objects; repeated elements become lists; text is unescaped", () => {
    const parsed = fromXml('<?xml version="1.0"?><A xmlns="x"><R><ID>a&amp;b</ID><F/></R><R><ID>c</ID></R></A>');
    expect(parsed).toEqual({ A: { R: [{ ID: "a&b", F: "" }, { ID: "c" }] } });
  });

  test("list fields of a rule are refused rather than mistranslated", () => {
    expect(() => providerToXml({ transitions: [{ days: 1 }] })).toThrow(/not mapped/);
  });
});
