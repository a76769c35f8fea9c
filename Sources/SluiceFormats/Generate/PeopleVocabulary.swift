/// Names, nicknames and mail domains for ``UsersOrdersGenerator``: common names
/// plus non-ASCII ones (accents, Polish, Nordic, Czech, Chinese) so that readers
/// meet real UTF-8. Each display form has an ASCII form for e-mail addresses.
struct PeopleVocabulary: Sendable {
    let firstNames: WordList
    let firstNamesASCII: WordList
    let lastNames: WordList
    let lastNamesASCII: WordList
    /// Chinese given and family names; written family name first with no space.
    let chineseGivenNames: WordList
    let chineseGivenNamesASCII: WordList
    let chineseFamilyNames: WordList
    let chineseFamilyNamesASCII: WordList
    let nicknames: WordList
    let domains: WordList
    /// Whether each first or last name has non-ASCII letters.
    private let firstIsNonASCII: [Bool]
    private let lastIsNonASCII: [Bool]

    static let shared = PeopleVocabulary()

    private init() {
        let first: [(String, String)] = [
            ("James", "james"), ("Mary", "mary"), ("Robert", "robert"), ("Patricia", "patricia"),
            ("John", "john"), ("Jennifer", "jennifer"), ("Michael", "michael"), ("Linda", "linda"),
            ("David", "david"), ("Elizabeth", "elizabeth"), ("William", "william"), ("Barbara", "barbara"),
            ("Richard", "richard"), ("Susan", "susan"), ("Joseph", "joseph"), ("Jessica", "jessica"),
            ("Thomas", "thomas"), ("Sarah", "sarah"), ("Charles", "charles"), ("Karen", "karen"),
            ("Daniel", "daniel"), ("Nancy", "nancy"), ("Matthew", "matthew"), ("Lisa", "lisa"),
            ("Anthony", "anthony"), ("Betty", "betty"), ("Mark", "mark"), ("Sandra", "sandra"),
            ("Steven", "steven"), ("Ashley", "ashley"), ("Paul", "paul"), ("Emily", "emily"),
            ("Andrew", "andrew"), ("Michelle", "michelle"), ("Kevin", "kevin"), ("Amanda", "amanda"),
            ("Brian", "brian"), ("Melissa", "melissa"), ("George", "george"), ("Laura", "laura"),
            ("Priya", "priya"), ("Arjun", "arjun"), ("Fatima", "fatima"), ("Omar", "omar"),
            ("Aiko", "aiko"), ("Kenji", "kenji"), ("Ngozi", "ngozi"), ("Kwame", "kwame"),
            ("Sofia", "sofia"), ("Mateo", "mateo"), ("Olga", "olga"), ("Ivan", "ivan"),
            ("José", "jose"), ("Zoë", "zoe"), ("Łukasz", "lukasz"), ("Søren", "soren"),
            ("François", "francois"), ("Björn", "bjorn"), ("Chloé", "chloe"), ("Renée", "renee"),
            ("Małgorzata", "malgorzata"), ("Jürgen", "jurgen"), ("Inés", "ines"), ("Ömer", "omer"),
            ("Ðorđe", "djordje"), ("Siân", "sian"), ("Thérèse", "therese"), ("Andrés", "andres"),
        ]
        let last: [(String, String)] = [
            ("Smith", "smith"), ("Johnson", "johnson"), ("Williams", "williams"), ("Brown", "brown"),
            ("Jones", "jones"), ("Miller", "miller"), ("Davis", "davis"), ("Wilson", "wilson"),
            ("Anderson", "anderson"), ("Taylor", "taylor"), ("Thomas", "thomas"), ("Moore", "moore"),
            ("Martin", "martin"), ("Jackson", "jackson"), ("Thompson", "thompson"), ("White", "white"),
            ("Harris", "harris"), ("Clark", "clark"), ("Lewis", "lewis"), ("Robinson", "robinson"),
            ("Walker", "walker"), ("Young", "young"), ("Allen", "allen"), ("King", "king"),
            ("Wright", "wright"), ("Scott", "scott"), ("Hill", "hill"), ("Green", "green"),
            ("Adams", "adams"), ("Baker", "baker"), ("Nelson", "nelson"), ("Carter", "carter"),
            ("Patel", "patel"), ("Singh", "singh"), ("Khan", "khan"), ("Tanaka", "tanaka"),
            ("Okafor", "okafor"), ("Mensah", "mensah"), ("Rossi", "rossi"), ("Ivanova", "ivanova"),
            ("O'Brien", "obrien"), ("O'Connor", "oconnor"), ("van der Berg", "vanderberg"), ("de la Cruz", "delacruz"),
            ("García", "garcia"), ("Müller", "muller"), ("Ørsted", "orsted"), ("Nowak", "nowak"),
            ("Dvořák", "dvorak"), ("Núñez", "nunez"), ("Kowalski", "kowalski"), ("Šimek", "simek"),
            ("Løkke", "lokke"), ("Gonçalves", "goncalves"), ("Jiménez", "jimenez"), ("Ångström", "angstrom"),
            ("Wiśniewski", "wisniewski"), ("Öztürk", "ozturk"), ("Fernández", "fernandez"), ("Nguyễn", "nguyen"),
        ]
        let chineseGiven: [(String, String)] = [
            ("雷", "lei"), ("娜", "na"), ("伟", "wei"), ("芳", "fang"), ("静", "jing"), ("磊", "lei"),
            ("洋", "yang"), ("艳", "yan"), ("勇", "yong"), ("军", "jun"), ("杰", "jie"), ("婷", "ting"),
        ]
        let chineseFamily: [(String, String)] = [
            ("李", "li"), ("王", "wang"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"), ("杨", "yang"),
            ("赵", "zhao"), ("黄", "huang"), ("周", "zhou"), ("吴", "wu"),
        ]
        firstNames = WordList(first.map(\.0))
        firstNamesASCII = WordList(first.map(\.1))
        lastNames = WordList(last.map(\.0))
        lastNamesASCII = WordList(last.map(\.1))
        chineseGivenNames = WordList(chineseGiven.map(\.0))
        chineseGivenNamesASCII = WordList(chineseGiven.map(\.1))
        chineseFamilyNames = WordList(chineseFamily.map(\.0))
        chineseFamilyNamesASCII = WordList(chineseFamily.map(\.1))
        firstIsNonASCII = first.map { $0.0.utf8.contains { $0 >= 0x80 } }
        lastIsNonASCII = last.map { $0.0.utf8.contains { $0 >= 0x80 } }
        nicknames = WordList(["Bob", "Bobby", "Liz", "Bill", "Kate", "Jim", "Sam", "Alex", "Max", "Ace", "Doc", "Red"])
        domains = WordList([
            "example.com", "example.org", "example.net", "mail.example.com", "corp.example.org",
            "shop.example", "users.example.net", "inbox.example",
        ])
    }

    /// Whether the name of first name `first` and last name `last` has non-ASCII letters.
    func isNonASCII(first: Int, last: Int) -> Bool {
        firstIsNonASCII[first] || lastIsNonASCII[last]
    }
}
