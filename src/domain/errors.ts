/**
 * The one error catalogue of rdcontacts: code → HTTP status → message.
 *
 * Codes and messages marked "spec" are copied from ../shared/spec/api.md; the others follow the
 * same naming pattern and are listed in docs/errors.md. Every layer throws `ApiError` with a code
 * from this table; the wire renders it, nobody else decides a status or a message.
 */
export const errorCatalogue = {
  // ── Gateway: routing and common parameters (spec §7.4) ──────────────────────────────────────
  'InvalidApi.NotFound': [404, 'Specified api is not found, please check your url and method.'],
  NoSuchVersion: [400, 'The specified version does not exist.'],
  MissingAction: [400, 'Action is mandatory for this action.'],
  MissingVersion: [400, 'Version is mandatory for this action.'],
  'InvalidParameter.Format': [400, 'Specified parameter format is not valid.'],
  UnsupportedHTTPMethod: [400, 'This http method not supported.'],

  // ── Gateway: authentication (spec §6, §7.4) ────────────────────────────────────────────────
  MissingAccessKeyId: [400, 'AccessKeyId is mandatory for this action.'],
  MissingSignature: [400, 'Signature is mandatory for this action.'],
  MissingSignatureMethod: [400, 'SignatureMethod is mandatory for this action.'],
  MissingSignatureVersion: [400, 'SignatureVersion is mandatory for this action.'],
  MissingSignatureNonce: [400, 'SignatureNonce is mandatory for this action.'],
  MissingTimestamp: [400, 'Timestamp is mandatory for this action.'],
  IncompleteSignature: [400, 'The request signature does not conform to Aliyun standards.'],
  InvalidSignatureMethod: [400, 'Specified signature method is not valid.'],
  InvalidSignatureVersion: [400, 'Specified signature version is not valid.'],
  'InvalidTimeStamp.Format': [400, 'Specified time stamp or date value is not well formatted.'],
  'InvalidTimeStamp.Expired': [400, 'Specified time stamp or date value is expired.'],
  SignatureNonceUsed: [400, 'Specified signature nonce was used already.'],
  InvalidSignatureNonce: [400, 'Specified signature nonce is not valid: use 1 to 128 visible ASCII characters.'],
  'InvalidSecurityToken.NotSupported': [400, 'Security tokens (STS) are not supported: sign with an AccessKey pair and send no security token.'],
  'InvalidAccessKeyId.NotFound': [404, 'Specified access key is not found.'],
  'InvalidAccessKeyId.Inactive': [400, 'Specified access key is disabled.'],
  SignatureDoesNotMatch: [400, 'Specified signature is not matched with our calculation.'],
  'Throttling.User': [400, 'Request was denied due to user flow control.'],

  // ── Gateway: request size limits (rdcontacts) ──────────────────────────────────────────────
  'RequestTooLarge.Query': [414, 'The query string exceeds the size limit.'],
  'RequestTooLarge.Body': [413, 'The request body exceeds the size limit.'],
  'RequestTooLarge.Header': [431, 'The request headers exceed the size limit.'],
  'UnsupportedMediaType': [415, 'The request body must be application/x-www-form-urlencoded.'],
  BadRequest: [400, 'The request could not be parsed.'],
  RequestTimeout: [408, 'The request was not received in time.'],
  InvalidParameterName: [400, 'A parameter name may contain only letters, digits and . _ ~ -, at most 128 of them.'],
  'InvalidParameterValue.ControlCharacter': [400, 'A parameter value contains a control character.'],
  'InvalidParameterValue.Length': [400, 'A parameter value exceeds 8192 characters.'],
  'LimitExceeded.Parameters': [400, 'The request has more than 256 parameters.'],

  InternalError: [500, 'The request processing has failed due to some unknown error, exception or failure.'],

  // ── Contact parameters (spec §4) ───────────────────────────────────────────────────────────
  'MissingParameter.ContactId': [400, 'You must specify ContactId.'],
  'InvalidParameter.ContactId': [400, 'The ContactId is invalid.'],
  'MissingParameter.Name': [400, 'You must specify Name.'],
  'InvalidParameter.Name': [400, 'The Name is invalid.'],
  'InvalidParameter.Name.Length': [400, 'The Name exceeds the length limit.'],
  'InvalidParameter.Name.AlreadyUsed': [400, 'The Name already exists. Please change to another name.'],
  'MissingParameter.EmailAddress': [400, 'You must specify EmailAddress.'],
  'InvalidParameter.EmailAddress': [400, 'The EmailAddress is invalid.'],
  'InvalidParameter.EmailAddress.Length': [400, 'The EmailAddress exceeds the length limit.'],
  'MissingParameter.PhoneNumber': [400, 'You must specify PhoneNumber.'],
  'InvalidParameter.PhoneNumber': [400, 'The PhoneNumber is invalid.'],
  'InvalidParameter.MobileCountryCode': [400, 'The current site does not support the country code.'],
  'MissingParameter.Title': [400, 'You must specify Title.'],
  'InvalidParameter.Title': [400, 'The Title is invalid.'],
  'MissingParameter.MessageTypes': [400, 'You must specify MessageTypes.'],
  'InvalidParameter.MessageTypes': [400, 'The MessageTypes is invalid.'],
  'InvalidParameter.MessageTypes.Duplicate': [400, 'The MessageTypes contains duplicate values.'],
  'InvalidParameter.PageNumber': [400, 'The PageNumber is invalid.'],
  'InvalidParameter.PageSize': [400, 'The PageSize is invalid.'],
  'InvalidParameter.RetainContactInMembers': [400, 'The RetainContactInMembers is invalid.'],

  // ── Contact state (spec §4) ────────────────────────────────────────────────────────────────
  'EntityNotExists.Contact': [404, 'This Contact does not exist.'],
  'EntityNotExists.Contact.Verification': [404, 'This contact verification does not exist.'],
  ContactStatusMismatchAction: [400, 'The status of the contact does not allow the specified operation.'],
  ConcurrentCallNotSupported: [429, 'The operation conflicts with other operations. Please try again later.'],
  SendValidateCodeExceedsLimitForAccount: [
    409,
    'For the same account, the number of verification codes sent exceeds the limit.',
  ],
  'LimitExceeded.Contacts': [400, 'The maximum number of contacts in the resource directory exceeds the limit.'],
  'InvalidParameter.Member': [400, 'The Member is invalid.'],
  'InvalidParameter.MessageType': [400, 'The MessageType is invalid.'],

  // ── Bindings (spec api.md §4.9, §4.10) ─────────────────────────────────────────────────────
  'MissingParameter.Members': [400, 'You must specify Members.'],
  'InvalidParameter.Members': [400, 'The Members is invalid.'],
  'InvalidParameter.Members.Duplicate': [400, 'The Members contains duplicate values.'],
  'InvalidParameter.Members.Length': [400, 'The maximum number of Members exceeds the limit.'],
  'LimitExceeded.ContactMembers': [400, 'The maximum number of contact members exceeds the limit.'],
  InvalidMember: [400, 'The member does not exist in the resource directory.'],

  // ── Directory: shared (spec directory.md §2.6) ─────────────────────────────────────────────
  'EntityNotExists.Folder': [404, 'The resource directory folder does not exist.'],
  'EntityNotExists.Account': [404, 'This resource directory account does not exist.'],
  'MissingParameter.FolderId': [400, 'You must specify FolderId.'],
  'InvalidParameter.FolderId': [400, 'The FolderId is invalid.'],
  'InvalidParameter.ParentFolderId': [400, 'The ParentFolderId is invalid.'],
  'MissingParameter.AccountId': [400, 'You must specify AccountId.'],
  'InvalidParameter.AccountId': [400, 'The AccountId is invalid.'],
  'InvalidParameter.Tag': [400, 'The Tag is invalid.'],
  'InvalidParameter.MaxResults': [400, 'The MaxResults is invalid.'],
  'InvalidParameter.NextToken': [400, 'The NextToken is invalid.'],
  'InvalidParameter.IncludeTags': [400, 'The IncludeTags is invalid.'],
  'InvalidParameter.DryRun': [400, 'The DryRun is invalid.'],

  // ── Directory: EnableResourceDirectory ─────────────────────────────────────────────────────
  'MissingParameter.EnableMode': [400, 'You must specify EnableMode.'],
  'InvalidParameter.EnableMode': [400, 'The EnableMode is invalid.'],
  'EntityAlreadyExists.ResourceDirectory': [
    409,
    'The resource directory for the account is already enabled. We recommend that you do not enable the resource directory again.',
  ],

  // ── Directory: folders ─────────────────────────────────────────────────────────────────────
  'MissingParameter.Folder.Name': [400, 'You must specify the resource folder name.'],
  'InvalidParameter.Folder.Name': [400, 'The Name of folder is invalid.'],
  'InvalidParameter.Folder.Name.Length': [400, 'The Name of folder exceeds the length limit.'],
  'InvalidParameter.Folder.Name.AlreadyUsed': [
    400,
    'The name already exists under the same parent. Please change to another name.',
  ],
  'LimitExceeded.Folder.Depth': [409, 'The folder depth exceeds the limit of 5.'],
  'QuotaExceeded.Folder.Count': [409, 'The number of folders exceeds the quota.'],
  'DeleteConflict.Folder.SubFolder': [409, 'This folder has sub folders.'],
  'DeleteConflict.Folder.Account': [409, 'This folder has accounts.'],
  'MissingParameter.ChildId': [400, 'You must specify ChildId.'],
  'InvalidParameter.ChildId': [400, 'The ChildId is invalid.'],

  // ── Directory: member accounts ─────────────────────────────────────────────────────────────
  'MissingParameter.Account.DisplayName': [400, 'You must specify DisplayName.'],
  'InvalidParameter.Account.DisplayName': [400, 'The DisplayName of account is invalid.'],
  'InvalidParameter.Account.DisplayName.Length': [400, 'The DisplayName of the account exceeds the length limit.'],
  'InvalidParameter.Account.DisplayName.AlreadyUsed': [409, 'The displayname of account has been used.'],
  'InvalidParameter.Account.AccountNamePrefix': [400, 'The account name prefix is invalid.'],
  'InvalidParameter.Account.AccountNamePrefix.Length': [400, 'The account name prefix exceeds the length limit.'],
  'EntityAlreadyExists.ResourceDirectory.Account': [
    409,
    'The email address that the system generates when you create a member account already exists. Try again later.',
  ],
  'InvalidParameter.PayerAccountId': [400, 'The PayerAccountId is invalid.'],
  'NotSupport.PayerAccountInAnotherResourceDirectory': [
    409,
    'The specified settlement account does not exist in the resource directory. You must specify a valid settlement account.',
  ],
  'InvalidParameter.ResellAccountType': [400, 'The ResellAccountType is invalid.'],
  'LimitExceeded.Account': [409, 'The maximum number of member accounts in a resource directory exceeds the limit.'],
  'MissingParameter.DestinationFolderId': [400, 'You must specify DestinationFolderId.'],
  'InvalidParameter.DestinationFolderId': [400, 'The DestinationFolderId is invalid.'],
  AccountTypeOrStatusMismatch: [409, 'You cannot perform the action on the member account.'],
  MissingDisplayNameOrAccountType: [409, 'Either display name or account type must be specified.'],
  'InvalidParameter.NewAccountType': [400, 'The NewAccountType is invalid.'],
  AccountTypeMismatch: [409, 'The type or status of the member account cannot satisfy the current operation.'],

  // ── Messages and deliveries: extension actions (rdcontacts) ────────────────────────────────
  'MissingParameter.MessageType': [400, 'You must specify MessageType.'],
  'MissingParameter.Subject': [400, 'You must specify Subject.'],
  'InvalidParameter.Subject.Length': [400, 'The Subject must be at most 256 characters.'],
  'MissingParameter.Content': [400, 'You must specify Content.'],
  'InvalidParameter.Content.Length': [400, 'The Content must be at most 4000 characters.'],
  'InvalidParameter.Status': [400, 'The Status is invalid.'],
  'OperationDenied.ContactNotVerified': [400, 'The contact has no verified email address or mobile number to send to.'],

  // ── Actiontrail 2020-07-06 LookupEvents (spec actiontrail.md §8.1) ─────────────────────────
  InvalidQueryParameter: [400, 'The specified query parameter is invalid.'],
  InvalidParameterCombination: [400, 'The end time must be later than the start time.'],
  InvalidParameterStartTime: [400, 'The specified StartTime is invalid.'],
  InvalidParameterEndTime: [400, 'The specified EndTime is invalid.'],

  // ── Ram 2015-05-01 (spec ram.md §1.5; "Missing<Name>" is the gateway's convention) ──────────
  MissingUserName: [400, 'UserName is mandatory for this action.'],
  MissingGroupName: [400, 'GroupName is mandatory for this action.'],
  MissingPolicyName: [400, 'PolicyName is mandatory for this action.'],
  MissingPolicyType: [400, 'PolicyType is mandatory for this action.'],
  MissingPolicyDocument: [400, 'PolicyDocument is mandatory for this action.'],
  MissingVersionId: [400, 'VersionId is mandatory for this action.'],
  MissingPassword: [400, 'Password is mandatory for this action.'],
  MissingUserAccessKeyId: [400, 'UserAccessKeyId is mandatory for this action.'],
  MissingStatus: [400, 'Status is mandatory for this action.'],
  MissingResourceType: [400, 'ResourceType is mandatory for this action.'],
  MissingResourceNames: [400, 'ResourceNames is mandatory for this action.'],
  MissingTag: [400, 'Tag is mandatory for this action.'],
  MissingNewDescription: [400, 'NewDescription is mandatory for this action.'],
  'InvalidParameter.UserName.InvalidChars': [400, 'The parameter - "UserName" contains invalid chars.'],
  'InvalidParameter.UserName.Length': [400, 'The parameter - "UserName" beyond the length limit.'],
  'InvalidParameter.NewUserName.InvalidChars': [400, 'The parameter - "NewUserName" contains invalid chars.'],
  'InvalidParameter.NewUserName.Length': [400, 'The parameter - "NewUserName" beyond the length limit.'],
  'InvalidParameter.DisplayName.InvalidChars': [400, 'The parameter - "DisplayName" contains invalid chars.'],
  'InvalidParameter.DisplayName.Length': [400, 'The parameter - "DisplayName" beyond the length limit.'],
  'InvalidParameter.NewDisplayName.InvalidChars': [400, 'The parameter - "NewDisplayName" contains invalid chars.'],
  'InvalidParameter.NewDisplayName.Length': [400, 'The parameter - "NewDisplayName" beyond the length limit.'],
  'InvalidParameter.MobilePhone.Format': [400, 'The format of the parameter - "MobilePhone" is incorrect.'],
  'InvalidParameter.NewMobilePhone.Format': [400, 'The format of the parameter - "NewMobilePhone" is incorrect.'],
  'InvalidParameter.Email.Format': [400, 'The format of the parameter - "Email" is incorrect.'],
  'InvalidParameter.NewEmail.Format': [400, 'The format of the parameter - "NewEmail" is incorrect.'],
  'InvalidParameter.Comments.Length': [400, 'The parameter - "Comments" beyond the length limit.'],
  'InvalidParameter.NewComments.Length': [400, 'The parameter - "NewComments" beyond the length limit.'],
  'InvalidParameter.Password.TooWeak': [400, 'The parameter - "Password" is not compliant with the password policy.'],
  'InvalidParameter.GroupName.InvalidChars': [400, 'The parameter - "GroupName" contains invalid chars.'],
  'InvalidParameter.GroupName.Length': [400, 'The parameter - "GroupName" beyond the length limit.'],
  'InvalidParameter.NewGroupName.InvalidChars': [400, 'The parameter - "NewGroupName" contains invalid chars.'],
  'InvalidParameter.NewGroupName.Length': [400, 'The parameter - "NewGroupName" beyond the length limit.'],
  'InvalidParameter.PolicyType': [400, 'The parameter - "PolicyType" is incorrect.'],
  'InvalidParameter.PolicyName.InvalidChars': [400, 'The parameter - "PolicyName" contains invalid chars.'],
  'InvalidParameter.PolicyName.Length': [400, 'The parameter - "PolicyName" beyond the length limit.'],
  'InvalidParameter.PolicyDocument.Length': [400, 'The parameter - "PolicyDocument" beyond the length limit.'],
  'InvalidParameter.Description.Length': [400, 'The parameter - "Description" beyond the length limit.'],
  'InvalidParameter.VersionId.Format': [400, 'The format of the parameter - "VersionId" is incorrect.'],
  'InvalidParameter.MinimumPasswordLength.Range': [400, 'The parameter - "MinimumPasswordLength" MUST be in the range of 8 and 32.'],
  'InvalidParameter.MaxPasswordAge.Range': [400, 'The parameter - "MaxPasswordAge" MUST be in the range of 0 and 1095.'],
  'InvalidParameter.PasswordReusePrevention.Range': [400, 'The parameter - "PasswordReusePrevention" MUST be in the range of 0 and 24.'],
  'InvalidParameter.MaxLoginAttemps.Range': [400, 'The parameter - "MaxLoginAttemps" MUST be in the range of 0 and 32.'],
  'InvalidParameter.MaxItems': [400, 'The parameter - "MaxItems" is out of range.'],
  'InvalidParameter.Marker': [400, 'The parameter - "Marker" is incorrect.'],
  'InvalidParameter.RotateStrategy': [400, 'The parameter - "RotateStrategy" is incorrect.'],
  'InvalidParameter.ResourceGroupId': [400, 'The parameter - "ResourceGroupId" is not supported: resource groups do not exist here.'],
  'InvalidParameter.ResourceType': [400, 'The parameter - "ResourceType" is incorrect.'],
  'InvalidParameter.ResourceNames': [400, 'The parameter - "ResourceNames" is incorrect.'],
  'InvalidParameter.TagKey': [400, 'The parameter - "TagKey" is incorrect.'],
  'InvalidParameter.TagKeys': [400, 'The parameter - "TagKeys" is incorrect.'],
  'InvalidParameter.UserAccessKeyId': [400, 'The parameter - "UserAccessKeyId" is incorrect.'],
  // Boolean parameters given as something other than true or false (any case; spec ram.md §1.3).
  'InvalidParameter.PasswordResetRequired': [400, 'The parameter - "PasswordResetRequired" is incorrect.'],
  'InvalidParameter.MFABindRequired': [400, 'The parameter - "MFABindRequired" is incorrect.'],
  'InvalidParameter.RequireLowercaseCharacters': [400, 'The parameter - "RequireLowercaseCharacters" is incorrect.'],
  'InvalidParameter.RequireUppercaseCharacters': [400, 'The parameter - "RequireUppercaseCharacters" is incorrect.'],
  'InvalidParameter.RequireNumbers': [400, 'The parameter - "RequireNumbers" is incorrect.'],
  'InvalidParameter.RequireSymbols': [400, 'The parameter - "RequireSymbols" is incorrect.'],
  'InvalidParameter.HardExpiry': [400, 'The parameter - "HardExpiry" is incorrect.'],
  'InvalidParameter.SetAsDefault': [400, 'The parameter - "SetAsDefault" is incorrect.'],
  'InvalidParameter.CascadingDelete': [400, 'The parameter - "CascadingDelete" is incorrect.'],
  'InvalidParameter.All': [400, 'The parameter - "All" is incorrect.'],
  MalformedPolicyDocument: [400, 'The policy document is malformed.'],
  NoPermission: [403, 'You are not authorized to do this action.'],
  'EntityNotExist.User': [404, 'The user does not exist.'],
  'EntityNotExist.User.AccessKey': [404, 'The user access key does not exist.'],
  'EntityNotExist.User.LoginProfile': [404, 'The user login profile does not exist.'],
  'EntityNotExist.User.MFADevice': [404, 'The user has not bound any MFA device.'],
  'EntityNotExist.User.Policy': [404, 'The indicate policy of the user does not exist.'],
  'EntityNotExist.User.Group': [404, 'The user has not joined the group.'],
  'EntityNotExist.Group': [404, 'The group does not exist.'],
  'EntityNotExist.Group.Policy': [404, 'The indicate policy attached to the group does not exist.'],
  'EntityNotExist.Policy': [404, 'The policy does not exist.'],
  'EntityNotExist.Policy.Version': [404, 'The policy version does not exist.'],
  'EntityAlreadyExists.User': [409, 'The user does already EXIST.'],
  'EntityAlreadyExists.User.LoginProfile': [409, 'The user login profile does already EXIST.'],
  'EntityAlreadyExists.User.Group': [409, 'The user has already joined the group.'],
  'EntityAlreadyExists.User.Policy': [409, 'The user has already been attached this policy.'],
  'EntityAlreadyExists.Group': [409, 'The group does already EXIST.'],
  'EntityAlreadyExists.Group.Policy': [409, 'The group has already been attached this policy.'],
  'EntityAlreadyExists.Policy': [409, 'The policy does already EXIST.'],
  'DeleteConflict.User.Group': [409, 'The user CAN NOT be in any group while deleting the user.'],
  'DeleteConflict.User.AccessKey': [409, 'The user CAN NOT has any access key while deleting the user.'],
  'DeleteConflict.User.LoginProfile': [409, 'The user CAN NOT has any login profile while deleting the user.'],
  'DeleteConflict.User.MFADevice': [409, 'The user CAN NOT has any mfa device while deleting the user.'],
  'DeleteConflict.User.Policy': [409, 'The user CAN NOT has any attached policy while deleting the user.'],
  'DeleteConflict.Group.User': [409, 'The group CAN NOT has any user member while deleting the group.'],
  'DeleteConflict.Group.Policy': [409, 'The entity CAN NOT has any attached policy while deleting the group.'],
  'DeleteConflict.Policy.User': [409, 'The policy CAN NOT been attached to any user while deleting the policy.'],
  'DeleteConflict.Policy.Group': [409, 'The policy CAN NOT been attached to any group while deleting the policy.'],
  'DeleteConflict.Policy.Version': [409, 'The policy CAN NOT has any version except the default version.'],
  'DeleteConflict.Policy.Version.Default': [409, 'The default policy version CAN NOT been deleted directly.'],
  'DeleteConflict.AccessKey.LastActiveRootKey': [409, 'The last active AccessKey of the account cannot be disabled or deleted.'],
  'LimitExceeded.User': [409, 'The count of users beyond the current limits.'],
  'LimitExceeded.User.AccessKey': [409, 'The access key count of the user access keys beyond the current limits.'],
  'LimitExceeded.User.Group': [409, 'The count of groups the target user joined beyond the current limits.'],
  'LimitExceeded.User.Policy': [409, 'The policy count of the user attached policies beyond the current limits.'],
  'LimitExceeded.Group': [409, 'The count of groups beyond the current limits.'],
  'LimitExceeded.Group.Policy': [409, 'The policy count of the group beyond the current limits.'],
  'LimitExceeded.Policy': [409, 'The count of policy beyond the current limits.'],
  'LimitExceeded.Policy.Version': [409, 'The count of policy version beyond the current limits.'],
  'LimitExceeded.Tag': [409, 'The count of tags beyond the current limits.'],
} as const satisfies Record<string, readonly [number, string]>;

export type ErrorCode = keyof typeof errorCatalogue;

/**
 * What an error may add to its catalogue entry: a message naming the precise problem (for codes
 * whose catalogue message is generic, such as MalformedPolicyDocument and NoPermission) and fields
 * of its own.
 */
export interface ErrorDetails {
  message?: string;
  fields?: Record<string, unknown>;
}

/** An error a caller can act on. `status` always comes from the catalogue, and so does `message` unless details name the problem. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** Extra response headers (for example `x-acs-retry-after` on throttling). */
  readonly headers: Readonly<Record<string, string>>;

  /**
   * Fields the answer carries beside Code and Message (the denial's `AccessDeniedDetail`); the
   * wire renders them in the error envelope.
   */
  readonly fields: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, headers: Record<string, string> = {}, details: ErrorDetails = {}) {
    const [status, message] = errorCatalogue[code];
    super(details.message ?? message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
    this.headers = headers;
    this.fields = details.fields ?? {};
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

/** The error code for a missing or invalid request parameter, when the catalogue names one. */
export function parameterError(kind: 'MissingParameter' | 'InvalidParameter', name: string): ErrorCode {
  const code = `${kind}.${name}`;
  if (code in errorCatalogue) return code as ErrorCode;
  throw new Error(`no catalogue entry for ${code}`);
}
