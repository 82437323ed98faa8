#include "custos/core/status.h"

#include <gtest/gtest.h>

namespace custos::core {
namespace {

Result<int> Half(int x) {
  if (x % 2) return Status::InvalidArgument("odd", "x");
  return x / 2;
}

Result<int> Quarter(int x) {
  CUSTOS_ASSIGN_OR_RETURN(int h, Half(x));
  return Half(h);
}

TEST(StatusTest, OkByDefaultAndCarriesFieldOtherwise) {
  EXPECT_TRUE(Status().ok());
  Status s = Status::InvalidArgument("title is required", "title");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.field(), "title");
  EXPECT_EQ(s.ToString(), "invalid_argument: title is required (field title)");
  EXPECT_EQ(StatusCodeName(StatusCode::kPreconditionFailed), "precondition_failed");
}

TEST(StatusTest, AssignOrReturnPropagatesTheFirstError) {
  EXPECT_EQ(*Quarter(8), 2);
  auto r = Quarter(6);  // 6/2 = 3, then odd
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(Quarter(5).ok());
}

}  // namespace
}  // namespace custos::core
